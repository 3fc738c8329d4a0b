import type { Backend } from '../backend/backend.js';
import type { CLIPSegTextConfig } from '../config/text-config.js';
import type { FileSet } from '../loading/file-set.js';
import type { HFBundle, HFBundleLoadOptions } from './hf-bundle.js';
import { checkTextInputs } from './hf-inputs.js';
import { HFModelBase } from './hf-model-base.js';
import type { BaseModelOutputWithPooling, CLIPSegTextInputs, HFForwardOptions } from './hf-types.js';
import { runTextModel } from './text-tower.js';

/**
 * HF `CLIPSegTextModel`: the CLIP text tower alone. Needs a bundle converted with the optional `text_model` graph
 * (`convertCheckpoint(files, { optionalGraphs: ['text_model'] })`).
 *
 * @example
 * ```ts
 * const model = await CLIPSegTextModel.fromBundle(files, backend);
 * const inputs = await processor.call({ text: ['a photo of a cat', 'a photo of a dog'], padding: true });
 * const { last_hidden_state, pooler_output } = await model.forward(inputs);
 * ```
 */
export class CLIPSegTextModel extends HFModelBase {
  /**
   * A text model on a shared bundle (its owner disposes it).
   * @throws {@link HFModelError} `HF_GRAPH_MISSING` when the bundle has no `text_model` graph
   */
  constructor(bundle: HFBundle) {
    super(bundle);
    bundle.requireGraph('text_model', 'CLIPSegTextModel');
  }

  /**
   * HF `CLIPSegTextModel.from_pretrained`, over a converted bundle.
   * @throws what {@link HFBundle.load} throws; {@link HFModelError} `HF_GRAPH_MISSING` without the `text_model` graph
   */
  static fromBundle(files: FileSet, backend: Backend, options: HFBundleLoadOptions = {}): Promise<CLIPSegTextModel> {
    return HFModelBase.loadOwned(files, backend, options, (bundle) => new CLIPSegTextModel(bundle));
  }

  /** HF `model.config`: the text tower's config. */
  get config(): CLIPSegTextConfig {
    return this.bundle.config.text_config;
  }

  /**
   * HF `CLIPSegTextModel.forward(input_ids, attention_mask, output_hidden_states)`: `last_hidden_state`
   * (`final_layer_norm` of the last layer, padding mask applied), `pooler_output` (at the end-of-text token) and,
   * with `outputHiddenStates`, the `num_hidden_layers + 1` hidden states.
   *
   * @throws {@link HFModelError} `HF_MISSING_INPUT`, `HF_INVALID_INPUT`, `HF_SEQUENCE_TOO_LONG`, `HF_OUTPUT_INVALID`,
   *   `HF_DISPOSED`, `HF_ABORTED`; backend errors
   */
  async forward(inputs: CLIPSegTextInputs, options: HFForwardOptions = {}): Promise<BaseModelOutputWithPooling> {
    this.checkLive(options.signal);
    const text = checkTextInputs(inputs, this.config);
    const { text_embeds: _projected, ...output } = await runTextModel(this.bundle, text, options, 'CLIPSegTextModel');
    return output;
  }
}

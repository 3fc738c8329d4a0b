import type { Backend } from '../backend/backend.js';
import type { CLIPSegVisionConfig } from '../config/vision-config.js';
import type { FileSet } from '../loading/file-set.js';
import type { HFBundle, HFBundleLoadOptions } from './hf-bundle.js';
import { checkPixelValues } from './hf-inputs.js';
import { HFModelBase } from './hf-model-base.js';
import type { BaseModelOutputWithPooling, CLIPSegVisionInputs, HFForwardOptions } from './hf-types.js';
import { runVisionModel } from './vision-tower.js';

/**
 * HF `CLIPSegVisionModel`: the CLIP vision tower alone, at any image size (position embeddings interpolated as HF
 * `interpolate_pos_encoding` does). Needs a bundle converted with the optional `vision_model` graph
 * (`convertCheckpoint(files, { optionalGraphs: ['vision_model'] })`).
 *
 * @example
 * ```ts
 * const model = await CLIPSegVisionModel.fromBundle(files, backend);
 * const { pixel_values } = await processor.call({ images: photo });
 * const { last_hidden_state, pooler_output } = await model.forward({ pixel_values });
 * ```
 */
export class CLIPSegVisionModel extends HFModelBase {
  /**
   * A vision model on a shared bundle (its owner disposes it).
   * @throws {@link HFModelError} `HF_GRAPH_MISSING` when the bundle has no `vision_model` graph
   */
  constructor(bundle: HFBundle) {
    super(bundle);
    bundle.requireGraph('vision_model', 'CLIPSegVisionModel');
  }

  /**
   * HF `CLIPSegVisionModel.from_pretrained`, over a converted bundle.
   * @throws what {@link HFBundle.load} throws; {@link HFModelError} `HF_GRAPH_MISSING` without the `vision_model` graph
   */
  static fromBundle(files: FileSet, backend: Backend, options: HFBundleLoadOptions = {}): Promise<CLIPSegVisionModel> {
    return HFModelBase.loadOwned(files, backend, options, (bundle) => new CLIPSegVisionModel(bundle));
  }

  /** HF `model.config`: the vision tower's config. */
  get config(): CLIPSegVisionConfig {
    return this.bundle.config.vision_config;
  }

  /**
   * HF `CLIPSegVisionModel.forward(pixel_values, output_hidden_states, interpolate_pos_encoding)`:
   * `last_hidden_state` (the last layer's output), `pooler_output` (`post_layernorm` of the class token) and, with
   * `outputHiddenStates`, the `num_hidden_layers + 1` hidden states.
   *
   * @throws {@link HFModelError} `HF_MISSING_INPUT`, `HF_INVALID_INPUT`, `HF_IMAGE_SIZE` (another size than
   *   `image_size` with `interpolatePosEncoding: false`), `HF_OUTPUT_INVALID`, `HF_DISPOSED`, `HF_ABORTED`
   */
  async forward(inputs: CLIPSegVisionInputs, options: HFForwardOptions = {}): Promise<BaseModelOutputWithPooling> {
    this.checkLive(options.signal);
    const px = checkPixelValues(inputs?.pixel_values, 'pixel_values', this.config);
    const { last_hidden_state, pooler_output, hidden_states } = await runVisionModel(this.bundle, px, options, 'CLIPSegVisionModel');
    return { last_hidden_state, pooler_output, ...(hidden_states === undefined ? {} : { hidden_states }) };
  }
}

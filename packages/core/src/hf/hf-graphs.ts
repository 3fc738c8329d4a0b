import { BUNDLE_OPTIONAL_GRAPH_NAMES, type BundleManifest, type BundleOptionalGraphName } from '../bundle/bundle-manifest.js';
import type { CLIPSegConfig } from '../config/clipseg-config.js';
import { activationName, DECODER_CONDITION } from '../pipeline/graph-io.js';
import { HFModelError } from './hf-error.js';

/**
 * Name of the output holding hidden state `index` in the optional graphs (`text_model`, `vision_model`:
 * 0 is the encoder input, i the output of layer i − 1; `decoder_hidden_states`: i is decoder layer i's output).
 */
export function hiddenStateName(index: number): string {
  return `hidden_state_${index}`;
}

/** The names an optional graph must have for the HF classes to use it. */
export interface OptionalGraphNames {
  /** Every input, and nothing else. */
  readonly inputs: readonly string[];
  /** Outputs the classes fetch (the graph may have more). */
  readonly outputs: readonly string[];
}

/** The input and output names of each optional graph for `config`. */
export function optionalGraphNames(config: CLIPSegConfig): Readonly<Record<BundleOptionalGraphName, OptionalGraphNames>> {
  const states = (n: number) => Array.from({ length: n }, (_, i) => hiddenStateName(i));
  const activations = config.extract_layers.map((_, i) => activationName(i));
  return {
    text_model: {
      inputs: ['input_ids', 'attention_mask'],
      outputs: ['last_hidden_state', 'pooler_output', 'text_embeds', ...states(config.text_config.num_hidden_layers + 1)],
    },
    vision_model: {
      inputs: ['pixel_values', 'position_embeddings'],
      outputs: ['last_hidden_state', 'pooler_output', 'image_embeds', ...states(config.vision_config.num_hidden_layers + 1)],
    },
    decoder_hidden_states: { inputs: [...activations, DECODER_CONDITION], outputs: ['logits', ...states(config.extract_layers.length)] },
  };
}

/**
 * Checks the manifest contract of every optional graph the bundle has against `config`.
 *
 * @throws {@link HFModelError} `HF_GRAPH_MISMATCH`
 */
export function checkOptionalContracts(manifest: BundleManifest, config: CLIPSegConfig): void {
  const expected = optionalGraphNames(config);
  for (const graph of BUNDLE_OPTIONAL_GRAPH_NAMES) {
    const entry = manifest.graphs[graph];
    if (entry === undefined) continue;
    const want = expected[graph];
    const inputs = entry.inputs.map((s) => s.name);
    const outputs = entry.outputs.map((s) => s.name);
    const inputsOk = inputs.length === want.inputs.length && want.inputs.every((n) => inputs.includes(n));
    const missing = want.outputs.filter((n) => !outputs.includes(n));
    if (!inputsOk || missing.length > 0) {
      throw new HFModelError(
        'HF_GRAPH_MISMATCH',
        `manifest.json's ${graph} graph has inputs [${inputs.join(', ')}] and outputs [${outputs.join(', ')}]; this config needs inputs [${want.inputs.join(', ')}] and outputs [${want.outputs.join(', ')}]. The bundle was not converted from this config; re-convert the checkpoint.`,
        { details: { graph, missingOutputs: missing } },
      );
    }
  }
}

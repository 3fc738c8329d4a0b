/**
 * The names of an ONNX bundle: its manifest file, its graphs, and each graph's inputs and outputs. The converter
 * writes them, the pipeline and the HF classes read them; this file is their one owner.
 *
 * @module
 */

/** The manifest's file name inside a bundle. */
export const BUNDLE_MANIFEST_FILE = 'manifest.json';

/** The graphs of a bundle, in the order they are written. */
export const BUNDLE_GRAPH_NAMES = ['text_encoder', 'vision_encoder', 'image_projector', 'decoder'] as const;
/** Name of one graph of a bundle. */
export type BundleGraphName = (typeof BUNDLE_GRAPH_NAMES)[number];

/**
 * Graphs a bundle may carry besides the four of the segmentation pipeline (format version 2, written on request
 * by the converter), for the HF model classes: `text_model` (the whole text tower with the attention mask, every
 * hidden state), `vision_model` (the whole vision tower at any image size, position embeddings as an input, every
 * hidden state) and `decoder_hidden_states` (the decoder, also returning each decoder layer's output).
 */
export const BUNDLE_OPTIONAL_GRAPH_NAMES = ['text_model', 'vision_model', 'decoder_hidden_states'] as const;
/** Name of one optional graph of a bundle. */
export type BundleOptionalGraphName = (typeof BUNDLE_OPTIONAL_GRAPH_NAMES)[number];
/** Name of any graph a bundle may hold, required or optional. */
export type AnyBundleGraphName = BundleGraphName | BundleOptionalGraphName;
/** True when `name` is one of {@link BUNDLE_OPTIONAL_GRAPH_NAMES}. */
export function isBundleOptionalGraphName(name: unknown): name is BundleOptionalGraphName {
  return typeof name === 'string' && (BUNDLE_OPTIONAL_GRAPH_NAMES as readonly string[]).includes(name);
}

/** Name of the tensor in the `files.positionEmbeddings` safetensors file. */
export const POSITION_EMBEDDINGS_TENSOR = 'position_embedding';

/** Input of the text_encoder graph (also of `text_model`). */
export const TEXT_INPUT = 'input_ids';
/** Output of the text_encoder graph (also of `text_model`). */
export const TEXT_OUTPUT = 'text_embeds';
/** Input of the vision_encoder graph (also of `vision_model`). */
export const VISION_INPUT = 'pixel_values';
/** Input of the image_projector graph. */
export const PROJECTOR_INPUT = 'hidden_state';
/** Output of the image_projector graph (also of `vision_model`). */
export const PROJECTOR_OUTPUT = 'image_embeds';
/** Decoder input holding the prompts' embeddings. */
export const DECODER_CONDITION = 'conditional_embeddings';
/** Output of the decoder graph. */
export const DECODER_OUTPUT = 'logits';

/** Name of the vision output / decoder input that holds the activation of `extract_layers[index]` (`activation_k`). */
export function activationName(index: number): string {
  return `activation_${index}`;
}

/**
 * Name of the output holding hidden state `index` in the optional graphs: in `text_model` and `vision_model`, 0 is
 * the encoder input and i the output of encoder layer i − 1 (HF `hidden_states[i]`); in `decoder_hidden_states`,
 * i is the output of decoder layer i (HF `decoder_output.hidden_states[i]`).
 */
export function hiddenStateName(index: number): string {
  return `hidden_state_${index}`;
}

/**
 * Index k of the vision activation `activation_k` that feeds the image_projector: the deepest extract layer, i.e.
 * the position of `max(extract_layers)`.
 */
export function projectorActivationIndex(extractLayers: readonly number[]): number {
  return extractLayers.indexOf(Math.max(...extractLayers));
}

/** The input and output names a reader of a graph relies on. */
export interface GraphNames {
  /** Every input the graph must have, and nothing else. */
  readonly inputs: readonly string[];
  /** Outputs that are fetched (the graph may have more). */
  readonly outputs: readonly string[];
}

/** The names each default graph of a bundle must have for a model with `activationCount` extract layers. */
export function expectedGraphNames(activationCount: number): Readonly<Record<BundleGraphName, GraphNames>> {
  const activations = Array.from({ length: activationCount }, (_, i) => activationName(i));
  return {
    text_encoder: { inputs: [TEXT_INPUT], outputs: [TEXT_OUTPUT] },
    vision_encoder: { inputs: [VISION_INPUT], outputs: activations },
    image_projector: { inputs: [PROJECTOR_INPUT], outputs: [PROJECTOR_OUTPUT] },
    decoder: { inputs: [...activations, DECODER_CONDITION], outputs: [DECODER_OUTPUT] },
  };
}

/** The config sizes the optional graphs' names depend on (core's `CLIPSegConfig` satisfies it). */
export interface OptionalGraphSizes {
  /** One activation input of the decoders per entry. */
  readonly extract_layers: readonly number[];
  /** `text_model` returns `num_hidden_layers + 1` hidden states. */
  readonly text_config: { readonly num_hidden_layers: number };
  /** `vision_model` returns `num_hidden_layers + 1` hidden states. */
  readonly vision_config: { readonly num_hidden_layers: number };
}

/** The input and output names of each optional graph for a config, as the HF classes use them. */
export function optionalGraphNames(config: OptionalGraphSizes): Readonly<Record<BundleOptionalGraphName, GraphNames>> {
  const states = (n: number) => Array.from({ length: n }, (_, i) => hiddenStateName(i));
  const activations = config.extract_layers.map((_, i) => activationName(i));
  return {
    text_model: {
      inputs: [TEXT_INPUT, 'attention_mask'],
      outputs: ['last_hidden_state', 'pooler_output', TEXT_OUTPUT, ...states(config.text_config.num_hidden_layers + 1)],
    },
    vision_model: {
      inputs: [VISION_INPUT, 'position_embeddings'],
      outputs: ['last_hidden_state', 'pooler_output', PROJECTOR_OUTPUT, ...states(config.vision_config.num_hidden_layers + 1)],
    },
    decoder_hidden_states: { inputs: [...activations, DECODER_CONDITION], outputs: [DECODER_OUTPUT, ...states(config.extract_layers.length)] },
  };
}

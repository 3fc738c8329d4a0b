/**
 * The config fields the graph builders read, as a structural type (core's `CLIPSegConfig` satisfies it), and
 * the checks that a config can be converted.
 *
 * @module
 */
import { CLIPSegConfig, HIDDEN_ACTIVATIONS, isHiddenActivation } from '@clipseg/core';
import { ConvertError } from './convert-error.js';

/** Text tower fields read by the converter (HF names). */
export interface TextGraphConfig {
  readonly vocab_size: number;
  readonly hidden_size: number;
  readonly intermediate_size: number;
  readonly num_hidden_layers: number;
  readonly num_attention_heads: number;
  readonly max_position_embeddings: number;
  readonly hidden_act: string;
  readonly layer_norm_eps: number;
  /** 2 selects HF's legacy pooling at `argmax(input_ids)`; anything else pools at the first `eos_token_id`. */
  readonly eos_token_id: number;
}

/** Vision tower fields read by the converter (HF names). */
export interface VisionGraphConfig {
  readonly hidden_size: number;
  readonly intermediate_size: number;
  readonly num_hidden_layers: number;
  readonly num_attention_heads: number;
  readonly num_channels: number;
  readonly image_size: number;
  readonly patch_size: number;
  readonly hidden_act: string;
  readonly layer_norm_eps: number;
}

/** The `CLIPSegConfig` fields read by the converter (HF names). */
export interface CLIPSegGraphConfig {
  readonly projection_dim: number;
  readonly extract_layers: readonly number[];
  readonly reduce_dim: number;
  readonly decoder_num_attention_heads: number;
  readonly decoder_intermediate_size: number;
  readonly conditional_layer: number;
  readonly use_complex_transposed_convolution: boolean;
  readonly text_config: TextGraphConfig;
  readonly vision_config: VisionGraphConfig;
}

/** Index of the deepest vision layer whose output the decoder reads. */
export function deepestExtractLayer(config: CLIPSegGraphConfig): number {
  return Math.max(...config.extract_layers);
}

/** Side of the square position grid of the checkpoint (`image_size / patch_size`). */
export function positionGridSide(config: CLIPSegGraphConfig): number {
  return Math.floor(config.vision_config.image_size / config.vision_config.patch_size);
}

/**
 * Checks that the graphs can be built for `config`. A core `CLIPSegConfig` passes as it is: its constructor already
 * refused everything checked here (and more). A plain structural config, which nothing else has checked, gets
 * the checks the graph builders need; unlike `CLIPSegConfig` it may leave HF's ranges where the graphs are still
 * well defined (e.g. a `conditional_layer` past the last decoder layer: no FiLM).
 *
 * @throws {@link ConvertError} `CONVERT_INVALID_CONFIG` listing every problem.
 */
export function checkGraphConfig(config: CLIPSegGraphConfig): void {
  if (config instanceof CLIPSegConfig) return;
  const problems: string[] = [];
  const positive = (path: string, value: number): void => {
    if (!Number.isSafeInteger(value) || value < 1) problems.push(`${path} must be a positive integer, got ${String(value)}`);
  };
  const text = config.text_config;
  const vision = config.vision_config;
  for (const [path, value] of [
    ['projection_dim', config.projection_dim],
    ['reduce_dim', config.reduce_dim],
    ['decoder_num_attention_heads', config.decoder_num_attention_heads],
    ['decoder_intermediate_size', config.decoder_intermediate_size],
    ['text_config.vocab_size', text.vocab_size],
    ['text_config.hidden_size', text.hidden_size],
    ['text_config.intermediate_size', text.intermediate_size],
    ['text_config.num_hidden_layers', text.num_hidden_layers],
    ['text_config.num_attention_heads', text.num_attention_heads],
    ['text_config.max_position_embeddings', text.max_position_embeddings],
    ['vision_config.hidden_size', vision.hidden_size],
    ['vision_config.intermediate_size', vision.intermediate_size],
    ['vision_config.num_hidden_layers', vision.num_hidden_layers],
    ['vision_config.num_attention_heads', vision.num_attention_heads],
    ['vision_config.num_channels', vision.num_channels],
    ['vision_config.image_size', vision.image_size],
    ['vision_config.patch_size', vision.patch_size],
  ] as const) {
    positive(path, value);
  }
  const divisible = (what: string, hidden: number, heads: number): void => {
    if (hidden % heads !== 0) problems.push(`${what} hidden size ${hidden} is not divisible by its ${heads} attention heads`);
  };
  divisible('text', text.hidden_size, text.num_attention_heads);
  divisible('vision', vision.hidden_size, vision.num_attention_heads);
  divisible('decoder', config.reduce_dim, config.decoder_num_attention_heads);
  if (vision.image_size % vision.patch_size !== 0) {
    problems.push(`vision_config.image_size ${vision.image_size} is not a multiple of patch_size ${vision.patch_size}`);
  }
  if (config.extract_layers.length === 0) problems.push('extract_layers is empty; the decoder needs at least one activation');
  for (const layer of config.extract_layers) {
    if (!Number.isSafeInteger(layer) || layer < 0 || layer >= vision.num_hidden_layers) {
      problems.push(`extract_layers entry ${String(layer)} is not a vision layer (0 … ${vision.num_hidden_layers - 1})`);
    }
  }
  if (!Number.isSafeInteger(config.conditional_layer)) problems.push(`conditional_layer must be an integer, got ${String(config.conditional_layer)}`);
  if (config.use_complex_transposed_convolution && (vision.patch_size < 4 || config.reduce_dim < 2)) {
    problems.push('the refined head needs patch_size >= 4 and reduce_dim >= 2');
  }
  for (const [path, act] of [
    ['text_config.hidden_act', text.hidden_act],
    ['vision_config.hidden_act', vision.hidden_act],
  ] as const) {
    if (!isHiddenActivation(act)) problems.push(`${path} '${act}' is not supported (${HIDDEN_ACTIVATIONS.join(', ')})`);
  }
  for (const [path, eps] of [
    ['text_config.layer_norm_eps', text.layer_norm_eps],
    ['vision_config.layer_norm_eps', vision.layer_norm_eps],
  ] as const) {
    if (!(eps > 0 && Number.isFinite(eps))) problems.push(`${path} must be a positive number, got ${String(eps)}`);
  }
  if (problems.length > 0) {
    throw new ConvertError('CONVERT_INVALID_CONFIG', `Cannot convert this CLIPSeg config: ${problems.join('; ')}.`, { details: { problems } });
  }
}

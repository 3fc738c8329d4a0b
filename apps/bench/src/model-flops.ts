// Floating-point operations of a CLIPSeg forward pass, from its config (multiply-add = 2 FLOP). Only matrix
// products and convolutions are counted; norms, softmax and activations are a fraction of a percent.

/** The config fields the count needs (HF names). */
export interface FlopConfig {
  readonly projection_dim: number;
  readonly extract_layers: readonly number[];
  readonly reduce_dim: number;
  readonly decoder_intermediate_size: number;
  readonly conditional_layer: number;
  readonly use_complex_transposed_convolution: boolean;
  readonly text_config: { readonly hidden_size: number; readonly intermediate_size: number; readonly num_hidden_layers: number };
  readonly vision_config: { readonly hidden_size: number; readonly intermediate_size: number; readonly patch_size: number; readonly num_channels: number };
}

/** FLOP of one encoder layer over `tokens` tokens (q, k, v, out projections; scores and context; MLP). */
function layerFlops(tokens: number, hidden: number, intermediate: number): number {
  const projections = 4 * 2 * tokens * hidden * hidden;
  const attention = 2 * 2 * tokens * tokens * hidden;
  const mlp = 2 * 2 * tokens * hidden * intermediate;
  return projections + attention + mlp;
}

/** FLOP counts of the parts of a CLIPSeg forward pass. */
export interface ModelFlops {
  /** Encoding one image: patch embedding + vision layers 0 … max(extract_layers). */
  readonly imageEncode: number;
  /** Per image, once: the decoder's reduce projections and the layers before FiLM. */
  readonly decoderShared: number;
  /** Per prompt: the text tower at `textTokens` tokens and its projection. */
  readonly textPerPrompt: number;
  /** Per prompt: FiLM, decoder layers and the head. */
  readonly decoderPerPrompt: number;
  /** Tokens per image. */
  readonly imageTokens: number;
  /** Text tokens the per-prompt count assumes. */
  readonly textTokens: number;
}

/** Counts the FLOP of `config` at `imageSize`×`imageSize` with prompts of `textTokens` tokens. */
export function modelFlops(config: FlopConfig, imageSize = 352, textTokens = 8): ModelFlops {
  const v = config.vision_config;
  const t = config.text_config;
  const grid = imageSize / v.patch_size;
  const tokens = 1 + grid * grid;
  const patch = 2 * grid * grid * v.num_channels * v.patch_size * v.patch_size * v.hidden_size;
  const layers = Math.max(...config.extract_layers) + 1;
  const imageEncode = patch + layers * layerFlops(tokens, v.hidden_size, v.intermediate_size);
  const R = config.reduce_dim;
  const decoderLayer = layerFlops(tokens, R, config.decoder_intermediate_size);
  const sharedLayers = Math.min(config.conditional_layer, config.extract_layers.length);
  const decoderShared = config.extract_layers.length * 2 * tokens * v.hidden_size * R + sharedLayers * decoderLayer;
  const textPerPrompt = t.num_hidden_layers * layerFlops(textTokens, t.hidden_size, t.intermediate_size) + 2 * t.hidden_size * config.projection_dim;
  const film = 2 * 2 * config.projection_dim * R;
  const decoderLayers = (config.extract_layers.length - sharedLayers) * decoderLayer;
  let head: number;
  if (config.use_complex_transposed_convolution) {
    const k = Math.floor(v.patch_size / 4);
    head = 2 * grid * grid * 9 * R * R + 2 * grid * grid * R * (R / 2) * k * k + 2 * (grid * k) ** 2 * (R / 2) * k * k;
  } else {
    head = 2 * grid * grid * R * v.patch_size * v.patch_size;
  }
  return { imageEncode, decoderShared, textPerPrompt, decoderPerPrompt: film + decoderLayers + head, imageTokens: tokens, textTokens };
}

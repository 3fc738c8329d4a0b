/**
 * The parameters of HF `CLIPSegForImageSegmentation` for a config: every name with its shape.
 *
 * @module
 */
import type { CLIPSegGraphConfig } from './clipseg-graph-config.js';

/** Parameter name → shape, in `state_dict` order. */
export type ParameterShapes = ReadonlyMap<string, readonly number[]>;

/** Name prefixes of the towers and the decoder. */
export const TEXT_PREFIX = 'clip.text_model';
/** Vision tower prefix. */
export const VISION_PREFIX = 'clip.vision_model';
/** Decoder prefix. */
export const DECODER_PREFIX = 'decoder';

/** True for the non-persistent `position_ids` buffers some checkpoints carry; they are ignored. */
export function isIgnoredTensor(name: string): boolean {
  return name === 'position_ids' || name.endsWith('.position_ids');
}

function addLinear(out: Map<string, readonly number[]>, prefix: string, inFeatures: number, outFeatures: number, bias = true): void {
  out.set(`${prefix}.weight`, [outFeatures, inFeatures]);
  if (bias) out.set(`${prefix}.bias`, [outFeatures]);
}

function addLayerNorm(out: Map<string, readonly number[]>, prefix: string, size: number): void {
  out.set(`${prefix}.weight`, [size]);
  out.set(`${prefix}.bias`, [size]);
}

/** The parameters of one CLIP encoder layer (the decoder layers have the same names). */
function addEncoderLayer(out: Map<string, readonly number[]>, prefix: string, hidden: number, intermediate: number): void {
  for (const proj of ['k_proj', 'v_proj', 'q_proj', 'out_proj']) addLinear(out, `${prefix}.self_attn.${proj}`, hidden, hidden);
  addLayerNorm(out, `${prefix}.layer_norm1`, hidden);
  addLinear(out, `${prefix}.mlp.fc1`, hidden, intermediate);
  addLinear(out, `${prefix}.mlp.fc2`, intermediate, hidden);
  addLayerNorm(out, `${prefix}.layer_norm2`, hidden);
}

/**
 * Every parameter of HF `CLIPSegForImageSegmentation` for `config`, with its shape, in `state_dict` order.
 * `clip.logit_scale` is a scalar (`[]`); checkpoints that store it as `[1]` are accepted by the validator.
 * The decoder has `extract_layers.length` reduces and layers; the head is `transposed_convolution.{0,2,4}`
 * (refined) or a single `transposed_convolution` (plain). `position_ids` buffers are not parameters.
 */
export function expectedParameters(config: CLIPSegGraphConfig): ParameterShapes {
  const out = new Map<string, readonly number[]>();
  const text = config.text_config;
  const vision = config.vision_config;
  const R = config.reduce_dim;
  const P = config.projection_dim;

  out.set('clip.logit_scale', []);
  out.set(`${TEXT_PREFIX}.embeddings.token_embedding.weight`, [text.vocab_size, text.hidden_size]);
  out.set(`${TEXT_PREFIX}.embeddings.position_embedding.weight`, [text.max_position_embeddings, text.hidden_size]);
  for (let i = 0; i < text.num_hidden_layers; i++) {
    addEncoderLayer(out, `${TEXT_PREFIX}.encoder.layers.${i}`, text.hidden_size, text.intermediate_size);
  }
  addLayerNorm(out, `${TEXT_PREFIX}.final_layer_norm`, text.hidden_size);

  const grid = Math.floor(vision.image_size / vision.patch_size);
  out.set(`${VISION_PREFIX}.embeddings.class_embedding`, [vision.hidden_size]);
  out.set(`${VISION_PREFIX}.embeddings.patch_embedding.weight`, [vision.hidden_size, vision.num_channels, vision.patch_size, vision.patch_size]);
  out.set(`${VISION_PREFIX}.embeddings.position_embedding.weight`, [grid * grid + 1, vision.hidden_size]);
  addLayerNorm(out, `${VISION_PREFIX}.pre_layrnorm`, vision.hidden_size);
  for (let i = 0; i < vision.num_hidden_layers; i++) {
    addEncoderLayer(out, `${VISION_PREFIX}.encoder.layers.${i}`, vision.hidden_size, vision.intermediate_size);
  }
  addLayerNorm(out, `${VISION_PREFIX}.post_layernorm`, vision.hidden_size);
  addLinear(out, 'clip.visual_projection', vision.hidden_size, P, false);
  addLinear(out, 'clip.text_projection', text.hidden_size, P, false);

  addLinear(out, `${DECODER_PREFIX}.film_mul`, P, R);
  addLinear(out, `${DECODER_PREFIX}.film_add`, P, R);
  const head = `${DECODER_PREFIX}.transposed_convolution`;
  if (config.use_complex_transposed_convolution) {
    const k = Math.floor(vision.patch_size / 4);
    const half = Math.floor(R / 2);
    out.set(`${head}.0.weight`, [R, R, 3, 3]);
    out.set(`${head}.0.bias`, [R]);
    out.set(`${head}.2.weight`, [R, half, k, k]);
    out.set(`${head}.2.bias`, [half]);
    out.set(`${head}.4.weight`, [half, 1, k, k]);
    out.set(`${head}.4.bias`, [1]);
  } else {
    out.set(`${head}.weight`, [R, 1, vision.patch_size, vision.patch_size]);
    out.set(`${head}.bias`, [1]);
  }
  const depth = config.extract_layers.length;
  for (let i = 0; i < depth; i++) addLinear(out, `${DECODER_PREFIX}.reduces.${i}`, vision.hidden_size, R);
  for (let i = 0; i < depth; i++) addEncoderLayer(out, `${DECODER_PREFIX}.layers.${i}`, R, config.decoder_intermediate_size);
  return out;
}

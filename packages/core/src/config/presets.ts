import { ConfigError } from './config-error.js';
import { CLIPSegConfig } from './clipseg-config.js';
import type { CLIPSegConfigInit } from './clipseg-config.js';

/** Names accepted by {@link clipsegPreset}. */
export const CLIPSEG_PRESET_NAMES = ['rd64-refined', 'rd64', 'rd16', 'tiny'] as const;

/** One of {@link CLIPSEG_PRESET_NAMES}. */
export type CLIPSegPresetName = (typeof CLIPSEG_PRESET_NAMES)[number];

/** CLIP ViT-B/16 text tower as the CIDAS checkpoints declare it (legacy bos 0, eos 2, pad 1). */
const CIDAS_TEXT = {
  model_type: 'clipseg_text_model',
  vocab_size: 49408,
  hidden_size: 512,
  intermediate_size: 2048,
  num_hidden_layers: 12,
  num_attention_heads: 8,
  max_position_embeddings: 77,
  hidden_act: 'quick_gelu',
  layer_norm_eps: 1e-5,
  attention_dropout: 0,
  initializer_range: 0.02,
  initializer_factor: 1,
  pad_token_id: 1,
  bos_token_id: 0,
  eos_token_id: 2,
} as const;

/** CLIP ViT-B/16 vision tower. */
const CIDAS_VISION = {
  model_type: 'clipseg_vision_model',
  hidden_size: 768,
  intermediate_size: 3072,
  num_hidden_layers: 12,
  num_attention_heads: 12,
  num_channels: 3,
  image_size: 224,
  patch_size: 16,
  hidden_act: 'quick_gelu',
  layer_norm_eps: 1e-5,
  attention_dropout: 0,
  initializer_range: 0.02,
  initializer_factor: 1,
} as const;

/** Top level shared by the CIDAS checkpoints; `reduce_dim` and the convolution differ. */
const CIDAS_TOP = {
  model_type: 'clipseg',
  architectures: ['CLIPSegForImageSegmentation'],
  projection_dim: 512,
  logit_scale_init_value: 2.6592,
  extract_layers: [3, 6, 9],
  decoder_num_attention_heads: 4,
  decoder_attention_dropout: 0,
  decoder_hidden_act: 'quick_gelu',
  decoder_intermediate_size: 2048,
  conditional_layer: 0,
  initializer_factor: 1,
  torch_dtype: 'float32',
} as const;

/** A CIDAS architecture: the shared top level and towers, with its own decoder width and head. */
function cidas(reduce_dim: number, use_complex_transposed_convolution: boolean): CLIPSegConfigInit {
  return {
    ...CIDAS_TOP,
    extract_layers: [...CIDAS_TOP.extract_layers],
    architectures: [...CIDAS_TOP.architectures],
    reduce_dim,
    use_complex_transposed_convolution,
    text_config: { ...CIDAS_TEXT },
    vision_config: { ...CIDAS_VISION },
  };
}

const PRESETS: Readonly<Record<CLIPSegPresetName, () => CLIPSegConfigInit>> = {
  'rd64-refined': () => cidas(64, true),
  rd64: () => cidas(64, false),
  rd16: () => cidas(16, false),
  // The golden tiny random model (shared/golden/clipseg-tiny-refined/config.json), written out in full.
  tiny: () => ({
    model_type: 'clipseg',
    architectures: ['CLIPSegForImageSegmentation'],
    projection_dim: 24,
    logit_scale_init_value: 2.6592,
    extract_layers: [1, 2, 3],
    reduce_dim: 16,
    decoder_num_attention_heads: 2,
    decoder_attention_dropout: 0,
    decoder_hidden_act: 'quick_gelu',
    decoder_intermediate_size: 32,
    conditional_layer: 0,
    use_complex_transposed_convolution: true,
    initializer_factor: 1,
    torch_dtype: 'float32',
    text_config: {
      model_type: 'clipseg_text_model',
      vocab_size: 49408,
      hidden_size: 32,
      intermediate_size: 37,
      num_hidden_layers: 2,
      num_attention_heads: 4,
      max_position_embeddings: 77,
      hidden_act: 'quick_gelu',
      layer_norm_eps: 1e-5,
      attention_dropout: 0,
      initializer_range: 0.02,
      initializer_factor: 1,
      pad_token_id: 49407,
      bos_token_id: 49406,
      eos_token_id: 49407,
    },
    vision_config: {
      model_type: 'clipseg_vision_model',
      hidden_size: 48,
      intermediate_size: 64,
      num_hidden_layers: 4,
      num_attention_heads: 4,
      num_channels: 3,
      image_size: 224,
      patch_size: 16,
      hidden_act: 'quick_gelu',
      layer_norm_eps: 1e-5,
      attention_dropout: 0,
      initializer_range: 0.02,
      initializer_factor: 1,
    },
  }),
};

/** True when `name` is one of {@link CLIPSEG_PRESET_NAMES}. */
export function isCLIPSegPresetName(name: unknown): name is CLIPSegPresetName {
  return typeof name === 'string' && (CLIPSEG_PRESET_NAMES as readonly string[]).includes(name);
}

/**
 * The config of a published CLIPSeg architecture, as a new {@link CLIPSegConfig}.
 *
 * - `rd64-refined`: CIDAS/clipseg-rd64-refined (reduce_dim 64, complex transposed convolution).
 * - `rd64`: CIDAS/clipseg-rd64 (reduce_dim 64, simple transposed convolution).
 * - `rd16`: CIDAS/clipseg-rd16 (reduce_dim 16, simple transposed convolution).
 * - `tiny`: the tiny random model of the golden test data (`golden/clipseg-tiny-refined`).
 *
 * The CIDAS presets share CLIP ViT-B/16 (vision 768 wide, 12 layers, 12 heads, 224 px, patch 16; text 512 wide,
 * 12 layers, 8 heads, with the checkpoints' legacy ids bos 0, eos 2, pad 1), projection 512, `extract_layers`
 * [3, 6, 9], 4 decoder heads, decoder MLP 2048 and `conditional_layer` 0. Each preset carries the extras
 * `architectures: ["CLIPSegForImageSegmentation"]` and `torch_dtype: "float32"`, as the hub files do.
 * @throws {@link ConfigError} `CONFIG_UNKNOWN_PRESET` for an unknown name
 */
export function clipsegPreset(name: CLIPSegPresetName): CLIPSegConfig {
  if (!isCLIPSegPresetName(name)) {
    const message = `unknown name ${JSON.stringify(name)}. Use one of ${CLIPSEG_PRESET_NAMES.join(', ')}, or parse the checkpoint's config.json with CLIPSegConfig.fromJSON.`;
    throw new ConfigError([{ code: 'CONFIG_UNKNOWN_PRESET', path: '', message }], 'CLIPSeg preset');
  }
  return new CLIPSegConfig(PRESETS[name]());
}

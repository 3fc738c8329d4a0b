/**
 * Type-level tests (checked by `tsc -p packages/core/tsconfig.test.json`): the `…Fields` types derived from the field
 * tables are exactly the public shapes these interfaces had when they were written out by hand, and each config
 * class has those fields as readonly properties. A table edit that changes a public type fails here.
 */
import { describe, expectTypeOf, it } from 'vitest';
import type { HiddenActivation } from './activations.js';
import { CLIPSEG_CONFIG_DEFAULTS, CLIPSegConfig } from './clipseg-config.js';
import type { CLIPSegConfigFields } from './clipseg-config.js';
import { VIT_IMAGE_PROCESSOR_DEFAULTS } from './preprocessor-config.js';
import type { ImageSize, PilResample, ViTImageProcessorConfig, ViTImageProcessorFields } from './preprocessor-config.js';
import { CLIPSEG_TEXT_CONFIG_DEFAULTS, CLIPSegTextConfig } from './text-config.js';
import type { CLIPSegTextConfigFields } from './text-config.js';
import { CLIPSEG_VISION_CONFIG_DEFAULTS } from './vision-config.js';
import type { CLIPSegVisionConfig, CLIPSegVisionConfigFields } from './vision-config.js';

interface TextShape {
  readonly vocab_size: number;
  readonly hidden_size: number;
  readonly intermediate_size: number;
  readonly num_hidden_layers: number;
  readonly num_attention_heads: number;
  readonly max_position_embeddings: number;
  readonly hidden_act: HiddenActivation;
  readonly layer_norm_eps: number;
  readonly attention_dropout: number;
  readonly initializer_range: number;
  readonly initializer_factor: number;
  readonly pad_token_id: number | null;
  readonly bos_token_id: number;
  readonly eos_token_id: number;
}

interface VisionShape {
  readonly hidden_size: number;
  readonly intermediate_size: number;
  readonly num_hidden_layers: number;
  readonly num_attention_heads: number;
  readonly num_channels: number;
  readonly image_size: number;
  readonly patch_size: number;
  readonly hidden_act: HiddenActivation;
  readonly layer_norm_eps: number;
  readonly attention_dropout: number;
  readonly initializer_range: number;
  readonly initializer_factor: number;
}

interface TopShape {
  readonly projection_dim: number;
  readonly logit_scale_init_value: number;
  readonly extract_layers: readonly number[];
  readonly reduce_dim: number;
  readonly decoder_num_attention_heads: number;
  readonly decoder_attention_dropout: number;
  readonly decoder_hidden_act: HiddenActivation;
  readonly decoder_intermediate_size: number;
  readonly conditional_layer: number;
  readonly use_complex_transposed_convolution: boolean;
  readonly initializer_factor: number;
}

interface PreprocessorShape {
  readonly do_resize: boolean;
  readonly size: ImageSize;
  readonly resample: PilResample;
  readonly do_rescale: boolean;
  readonly rescale_factor: number;
  readonly do_normalize: boolean;
  readonly image_mean: readonly number[];
  readonly image_std: readonly number[];
  readonly do_convert_rgb: boolean | null;
}

/** The instance's own field properties (the class minus its methods, getters and other members). */
type FieldsOf<C, F> = Pick<C, keyof F & keyof C>;

describe('config field types', () => {
  it('derive from the tables exactly the hand-written shapes', () => {
    expectTypeOf<CLIPSegTextConfigFields>().toEqualTypeOf<TextShape>();
    expectTypeOf<CLIPSegVisionConfigFields>().toEqualTypeOf<VisionShape>();
    expectTypeOf<CLIPSegConfigFields>().toEqualTypeOf<TopShape>();
    expectTypeOf<ViTImageProcessorFields>().toEqualTypeOf<PreprocessorShape>();
  });

  it('give each class its fields as readonly properties', () => {
    expectTypeOf<FieldsOf<CLIPSegTextConfig, TextShape>>().toEqualTypeOf<TextShape>();
    expectTypeOf<FieldsOf<CLIPSegVisionConfig, VisionShape>>().toEqualTypeOf<VisionShape>();
    expectTypeOf<FieldsOf<CLIPSegConfig, TopShape>>().toEqualTypeOf<TopShape>();
    expectTypeOf<FieldsOf<ViTImageProcessorConfig, PreprocessorShape>>().toEqualTypeOf<PreprocessorShape>();
    const text = new CLIPSegTextConfig();
    // @ts-expect-error fields are readonly
    text.vocab_size = 1;
    const config = new CLIPSegConfig();
    // @ts-expect-error fields are readonly
    config.extract_layers = [];
  });

  it('type the defaults as the fields', () => {
    expectTypeOf(CLIPSEG_TEXT_CONFIG_DEFAULTS).toEqualTypeOf<Readonly<TextShape>>();
    expectTypeOf(CLIPSEG_VISION_CONFIG_DEFAULTS).toEqualTypeOf<Readonly<VisionShape>>();
    expectTypeOf(CLIPSEG_CONFIG_DEFAULTS).toEqualTypeOf<Readonly<TopShape>>();
    expectTypeOf(VIT_IMAGE_PROCESSOR_DEFAULTS).toEqualTypeOf<Readonly<PreprocessorShape>>();
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectConfigError } from '../../test/fixtures/config/expect-config-error.js';
import { CLIPSEG_CONFIG_DEFAULTS, CLIPSegConfig, usesLegacyArgmaxPooling } from './clipseg-config.js';
import { ConfigError } from './config-error.js';
import { CLIPSEG_TEXT_CONFIG_DEFAULTS, CLIPSegTextConfig } from './text-config.js';
import { CLIPSEG_VISION_CONFIG_DEFAULTS, CLIPSegVisionConfig } from './vision-config.js';

const legacyText = readFileSync(new URL('../../test/fixtures/config/clipseg-rd64-refined-legacy.json', import.meta.url), 'utf8');

describe('CLIPSegConfig', () => {
  it('{"model_type":"clipseg"} alone gives HF defaults everywhere', () => {
    const config = CLIPSegConfig.fromJSON('{"model_type":"clipseg"}');
    expect(config.fields()).toEqual({
      projection_dim: 512,
      logit_scale_init_value: 2.6592,
      extract_layers: [3, 6, 9],
      reduce_dim: 64,
      decoder_num_attention_heads: 4,
      decoder_attention_dropout: 0,
      decoder_hidden_act: 'quick_gelu',
      decoder_intermediate_size: 2048,
      conditional_layer: 0,
      use_complex_transposed_convolution: false,
      initializer_factor: 1,
    });
    expect(config.fields()).toEqual(CLIPSEG_CONFIG_DEFAULTS);
    expect(config.text_config.fields()).toEqual(CLIPSEG_TEXT_CONFIG_DEFAULTS);
    expect(config.vision_config.fields()).toEqual(CLIPSEG_VISION_CONFIG_DEFAULTS);
    expect(config.extras).toEqual({});
    expect(new CLIPSegConfig().toDict()).toEqual(config.toDict());
    expect(config.decoderHeadDim).toBe(16);
    expect(Object.isFrozen(config.extract_layers)).toBe(true);
  });

  it('treats null sub-configs as HF defaults', () => {
    const config = CLIPSegConfig.fromJSON({ model_type: 'clipseg', text_config: null, vision_config: null });
    expect(config.text_config.fields()).toEqual(CLIPSEG_TEXT_CONFIG_DEFAULTS);
  });

  it('parses a legacy CIDAS-style config, keeping eos 2 and the extras', () => {
    const config = CLIPSegConfig.fromJSON(legacyText);
    expect(config.text_config.eos_token_id).toBe(2);
    expect(config.text_config.bos_token_id).toBe(0);
    expect(config.text_config.pad_token_id).toBe(1);
    expect(config.usesLegacyArgmaxPooling).toBe(true);
    expect(usesLegacyArgmaxPooling(config)).toBe(true);
    expect(usesLegacyArgmaxPooling(config.text_config)).toBe(true);
    expect(usesLegacyArgmaxPooling({ eos_token_id: 49407 })).toBe(false);
    expect(config.vision_config.numPositions).toBe(197);
    expect(config.use_complex_transposed_convolution).toBe(true);
    expect(config.extras).toEqual({
      _commit_hash: null,
      architectures: ['CLIPSegForImageSegmentation'],
      torch_dtype: 'float32',
      transformers_version: null,
    });
    expect(config.text_config.extras.id2label).toEqual({ 0: 'LABEL_0', 1: 'LABEL_1' });
    expect(config.vision_config.extras.pad_token_id).toBeNull();
    // Every member of the file survives toJSON, with the same value.
    expect(JSON.parse(JSON.stringify(config))).toEqual(JSON.parse(legacyText));
  });

  it('round-trips toJSON → fromJSON', () => {
    const config = CLIPSegConfig.fromJSON(legacyText);
    const again = CLIPSegConfig.fromJSON(JSON.stringify(config));
    expect(again.toDict()).toEqual(config.toDict());
    const dict = config.toDict();
    expect(dict.model_type).toBe('clipseg');
    expect((dict.text_config as Record<string, unknown>).model_type).toBe('clipseg_text_model');
    expect((dict.vision_config as Record<string, unknown>).model_type).toBe('clipseg_vision_model');
    // toDict returns fresh objects
    (dict.extract_layers as number[]).push(11);
    expect(config.extract_layers).toEqual([3, 6, 9]);
  });

  it('merges the legacy text_config_dict / vision_config_dict over the sub-configs and drops them', () => {
    const config = CLIPSegConfig.fromJSON({
      model_type: 'clipseg',
      text_config: { hidden_size: 64, num_attention_heads: 4 },
      text_config_dict: { hidden_size: 128 },
      vision_config_dict: { patch_size: 16 },
    });
    expect(config.text_config.hidden_size).toBe(128);
    expect(config.text_config.num_attention_heads).toBe(4);
    expect(config.vision_config.patch_size).toBe(16);
    expect(config.toDict()).not.toHaveProperty('text_config_dict');
  });

  it('fromTextVisionConfigs mirrors HF from_text_vision_configs', () => {
    const text = new CLIPSegTextConfig({ hidden_size: 32, num_attention_heads: 4 });
    const vision = new CLIPSegVisionConfig({ num_hidden_layers: 4, patch_size: 16 });
    const config = CLIPSegConfig.fromTextVisionConfigs(text, vision, { extract_layers: [1, 2, 3], reduce_dim: 16 });
    expect(config.text_config.toDict()).toEqual(text.toDict());
    expect(config.vision_config.toDict()).toEqual(vision.toDict());
    expect(config.extract_layers).toEqual([1, 2, 3]);
    expect(config.reduce_dim).toBe(16);
    expect(config.projection_dim).toBe(512);
    // The default extract_layers [3, 6, 9] do not fit a 4-layer vision tower.
    expectConfigError(() => CLIPSegConfig.fromTextVisionConfigs(text, vision), 'CONFIG_INCONSISTENT_FIELDS', 'extract_layers[1]');
  });

  it('with() merges plain sub-config overrides', () => {
    const config = new CLIPSegConfig().with({ reduce_dim: 16, vision_config: { patch_size: 16 } });
    expect(config.reduce_dim).toBe(16);
    expect(config.vision_config.patch_size).toBe(16);
    expect(config.vision_config.hidden_size).toBe(768);
  });

  describe('rejects', () => {
    it('bad JSON, non-objects and wrong model types', () => {
      expectConfigError(() => CLIPSegConfig.fromJSON('{not json'), 'CONFIG_INVALID_JSON', '');
      expectConfigError(() => CLIPSegConfig.fromJSON('"clipseg"'), 'CONFIG_NOT_AN_OBJECT', '');
      expectConfigError(() => CLIPSegConfig.fromJSON([]), 'CONFIG_NOT_AN_OBJECT', '');
      expectConfigError(() => CLIPSegConfig.fromJSON(42), 'CONFIG_NOT_AN_OBJECT', '');
      const error = expectConfigError(() => CLIPSegConfig.fromJSON({ model_type: 'clip' }), 'CONFIG_WRONG_MODEL_TYPE', 'model_type');
      expect(error.message).toContain('"clip"');
      expect(expectConfigError(() => CLIPSegConfig.fromJSON({ model_type: 'clipseg_text_model' }), 'CONFIG_WRONG_MODEL_TYPE', 'model_type').message).toContain(
        'CLIPSegTextConfig.fromJSON',
      );
      expectConfigError(
        () => CLIPSegConfig.fromJSON({ model_type: 'clipseg', text_config: { model_type: 'clip_text_model' } }),
        'CONFIG_WRONG_MODEL_TYPE',
        'text_config.model_type',
      );
      expectConfigError(
        () => CLIPSegConfig.fromJSON({ model_type: 'clipseg', vision_config: { model_type: 'clipseg_text_model' } }),
        'CONFIG_WRONG_MODEL_TYPE',
        'vision_config.model_type',
      );
      expectConfigError(() => CLIPSegConfig.fromJSON({ vision_config: [1] }), 'CONFIG_INVALID_FIELD', 'vision_config');
    });

    it.each([
      [{ extract_layers: [3, 6, 12] }, 'CONFIG_INCONSISTENT_FIELDS', 'extract_layers[2]'],
      [{ extract_layers: [-1, 6, 9] }, 'CONFIG_INVALID_FIELD', 'extract_layers[0]'],
      [{ extract_layers: [3, 6.5, 9] }, 'CONFIG_INVALID_FIELD', 'extract_layers[1]'],
      [{ extract_layers: [] }, 'CONFIG_INVALID_FIELD', 'extract_layers'],
      [{ extract_layers: 3 }, 'CONFIG_INVALID_FIELD', 'extract_layers'],
      [{ vision_config: { num_hidden_layers: 6 } }, 'CONFIG_INCONSISTENT_FIELDS', 'extract_layers[1]'],
      [{ conditional_layer: 3 }, 'CONFIG_INCONSISTENT_FIELDS', 'conditional_layer'],
      [{ conditional_layer: -1 }, 'CONFIG_INVALID_FIELD', 'conditional_layer'],
      [{ extract_layers: [9], conditional_layer: 1 }, 'CONFIG_INCONSISTENT_FIELDS', 'conditional_layer'],
      [{ reduce_dim: 66 }, 'CONFIG_INCONSISTENT_FIELDS', 'decoder_num_attention_heads'],
      [{ decoder_num_attention_heads: 0 }, 'CONFIG_INVALID_FIELD', 'decoder_num_attention_heads'],
      [{ reduce_dim: '64' }, 'CONFIG_INVALID_FIELD', 'reduce_dim'],
      [{ projection_dim: 0 }, 'CONFIG_INVALID_FIELD', 'projection_dim'],
      [{ decoder_intermediate_size: 20.5 }, 'CONFIG_INVALID_FIELD', 'decoder_intermediate_size'],
      [{ decoder_hidden_act: 'mish' }, 'CONFIG_UNSUPPORTED_VALUE', 'decoder_hidden_act'],
      [{ decoder_attention_dropout: -0.1 }, 'CONFIG_INVALID_FIELD', 'decoder_attention_dropout'],
      [{ logit_scale_init_value: 'a' }, 'CONFIG_INVALID_FIELD', 'logit_scale_init_value'],
      [{ use_complex_transposed_convolution: 'yes' }, 'CONFIG_INVALID_FIELD', 'use_complex_transposed_convolution'],
      [
        { use_complex_transposed_convolution: true, vision_config: { image_size: 220, patch_size: 22 } },
        'CONFIG_INCONSISTENT_FIELDS',
        'use_complex_transposed_convolution',
      ],
      [{ text_config: { hidden_size: 500 } }, 'CONFIG_INCONSISTENT_FIELDS', 'text_config.num_attention_heads'],
      [{ text_config: { layer_norm_eps: 0 } }, 'CONFIG_INVALID_FIELD', 'text_config.layer_norm_eps'],
      [{ text_config: { vocab_size: '49408' } }, 'CONFIG_INVALID_FIELD', 'text_config.vocab_size'],
      [{ vision_config: { num_attention_heads: 7 } }, 'CONFIG_INCONSISTENT_FIELDS', 'vision_config.num_attention_heads'],
      [{ vision_config: { image_size: 224, patch_size: 15 } }, 'CONFIG_INCONSISTENT_FIELDS', 'vision_config.patch_size'],
      [{ vision_config: { hidden_act: 'elu' } }, 'CONFIG_UNSUPPORTED_VALUE', 'vision_config.hidden_act'],
      [{ vision_config: { hidden_size: -768 } }, 'CONFIG_INVALID_FIELD', 'vision_config.hidden_size'],
    ] as const)('%j', (patch, code, path) => {
      expectConfigError(() => CLIPSegConfig.fromJSON({ model_type: 'clipseg', ...patch }), code, path);
    });

    it('reports every problem in details.problems, the first in the message', () => {
      const error = expectConfigError(
        () =>
          CLIPSegConfig.fromJSON({
            model_type: 'clipseg',
            text_config: { hidden_size: '512' },
            vision_config: { num_attention_heads: 5 },
            extract_layers: [3, 6, 20],
            reduce_dim: 30,
          }),
        'CONFIG_INVALID_FIELD',
        'text_config.hidden_size',
      );
      expect(error.problems.map((p) => [p.code, p.path])).toEqual([
        ['CONFIG_INVALID_FIELD', 'text_config.hidden_size'],
        ['CONFIG_INCONSISTENT_FIELDS', 'vision_config.num_attention_heads'],
        ['CONFIG_INCONSISTENT_FIELDS', 'extract_layers[2]'],
        ['CONFIG_INCONSISTENT_FIELDS', 'decoder_num_attention_heads'],
      ]);
      expect(error.message).toMatch(/^Invalid CLIPSeg config: text_config\.hidden_size: expected a positive integer, got "512"/);
      expect(error.message).toContain('3 more problems in details.problems');
      expect(error.details).toMatchObject({ path: 'text_config.hidden_size' });
      expect(error).toBeInstanceOf(ConfigError);
      expect(error).toBeInstanceOf(Error);
    });
  });
});

describe('hostile config.json found by fuzzing (docs/fuzzing.md)', () => {
  const nested = (depth: number): unknown => {
    let value: unknown = 0;
    for (let i = 0; i < depth; i++) value = [value];
    return value;
  };

  it('an extra attribute nested beyond the limit is a CONFIG_INVALID_FIELD, not a stack overflow when written back', () => {
    expectConfigError(() => CLIPSegConfig.fromJSON({ model_type: 'clipseg', deep: nested(5_000) }), 'CONFIG_INVALID_FIELD', 'deep');
    expectConfigError(() => CLIPSegConfig.fromJSON({ model_type: 'clipseg', vision_config: { deep: nested(100) } }), 'CONFIG_INVALID_FIELD', 'vision_config.deep');
    const config = CLIPSegConfig.fromJSON({ model_type: 'clipseg', shallow: nested(64), text_config: { shallow: nested(64) } });
    expect(CLIPSegConfig.fromJSON(JSON.stringify(config)).toDict()).toEqual(config.toDict());
  });

  it('a deeply nested model_type is a CONFIG_WRONG_MODEL_TYPE, not a stack overflow', () => {
    const text = `{"model_type":${'['.repeat(50_000)}${']'.repeat(50_000)}}`;
    expectConfigError(() => CLIPSegConfig.fromJSON(text), 'CONFIG_WRONG_MODEL_TYPE', 'model_type');
    expectConfigError(() => CLIPSegVisionConfig.fromJSON(text), 'CONFIG_WRONG_MODEL_TYPE', 'model_type');
    expectConfigError(() => CLIPSegTextConfig.fromJSON(text), 'CONFIG_WRONG_MODEL_TYPE', 'model_type');
  });

  it('sizes beyond 2^53 are refused: they are not integers a model can have', () => {
    expectConfigError(() => CLIPSegConfig.fromJSON({ vision_config: { num_channels: 1e300 } }), 'CONFIG_INVALID_FIELD', 'vision_config.num_channels');
    expectConfigError(() => CLIPSegConfig.fromJSON({ extract_layers: [3, 2 ** 60] }), 'CONFIG_INVALID_FIELD', 'extract_layers[1]');
    expectConfigError(() => CLIPSegTextConfig.fromJSON({ vocab_size: 2 ** 53 }), 'CONFIG_INVALID_FIELD', 'vocab_size');
  });
});

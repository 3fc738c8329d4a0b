import { describe, expect, it } from 'vitest';
import { expectConfigError } from '../../test/fixtures/config/expect-config-error.js';
import { CLIPSEG_TEXT_CONFIG_DEFAULTS, CLIPSegTextConfig } from './text-config.js';

describe('CLIPSegTextConfig', () => {
  it('uses HF defaults for missing fields', () => {
    const config = CLIPSegTextConfig.fromJSON('{}');
    expect(config.fields()).toEqual({
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
      bos_token_id: 49406,
      eos_token_id: 49407,
    });
    expect(new CLIPSegTextConfig().fields()).toEqual(CLIPSEG_TEXT_CONFIG_DEFAULTS);
    expect(config.model_type).toBe('clipseg_text_model');
    expect(config.headDim).toBe(64);
    expect(config.usesLegacyArgmaxPooling).toBe(false);
  });

  it('keeps the legacy ids (bos 0, eos 2, pad 1) and reports legacy pooling', () => {
    const config = new CLIPSegTextConfig({ bos_token_id: 0, eos_token_id: 2, pad_token_id: 1 });
    expect([config.bos_token_id, config.eos_token_id, config.pad_token_id]).toEqual([0, 2, 1]);
    expect(config.usesLegacyArgmaxPooling).toBe(true);
    expect(config.toDict()).toMatchObject({ bos_token_id: 0, eos_token_id: 2, pad_token_id: 1 });
  });

  it('accepts a null pad_token_id', () => {
    expect(new CLIPSegTextConfig({ pad_token_id: null }).pad_token_id).toBeNull();
  });

  it('takes text_config out of a full CLIPSeg config, like HF from_pretrained', () => {
    const config = CLIPSegTextConfig.fromJSON({ model_type: 'clipseg', text_config: { hidden_size: 64, num_attention_heads: 4 } });
    expect(config.hidden_size).toBe(64);
    expectConfigError(
      () => CLIPSegTextConfig.fromJSON({ model_type: 'clipseg', text_config: { hidden_size: 'x' } }),
      'CONFIG_INVALID_FIELD',
      'text_config.hidden_size',
    );
    expectConfigError(() => CLIPSegTextConfig.fromJSON({ model_type: 'clipseg', text_config: 3 }), 'CONFIG_INVALID_FIELD', 'text_config');
  });

  it('round-trips through toJSON with extras preserved', () => {
    const json = { model_type: 'clipseg_text_model', hidden_size: 64, num_attention_heads: 2, id2label: { 0: 'A' }, dropout: 0.1 };
    const config = CLIPSegTextConfig.fromJSON(JSON.stringify(json));
    expect(config.extras).toEqual({ id2label: { 0: 'A' }, dropout: 0.1 });
    expect(Object.isFrozen(config.extras)).toBe(true);
    const again = CLIPSegTextConfig.fromJSON(JSON.stringify(config));
    expect(again.toDict()).toEqual(config.toDict());
    expect(config.toDict()).toMatchObject(json);
  });

  it('with() replaces fields and validates', () => {
    const config = new CLIPSegTextConfig().with({ hidden_size: 32, num_attention_heads: 4 });
    expect(config.headDim).toBe(8);
    expectConfigError(() => config.with({ num_attention_heads: 5 }), 'CONFIG_INCONSISTENT_FIELDS', 'num_attention_heads');
  });

  describe('rejects', () => {
    it.each([
      ['hidden_size', '512', 'CONFIG_INVALID_FIELD'],
      ['hidden_size', 0, 'CONFIG_INVALID_FIELD'],
      ['hidden_size', 512.5, 'CONFIG_INVALID_FIELD'],
      ['num_hidden_layers', -1, 'CONFIG_INVALID_FIELD'],
      ['vocab_size', null, 'CONFIG_INVALID_FIELD'],
      ['layer_norm_eps', 0, 'CONFIG_INVALID_FIELD'],
      ['layer_norm_eps', -1e-5, 'CONFIG_INVALID_FIELD'],
      ['layer_norm_eps', '1e-5', 'CONFIG_INVALID_FIELD'],
      ['attention_dropout', 1.5, 'CONFIG_INVALID_FIELD'],
      ['eos_token_id', -2, 'CONFIG_INVALID_FIELD'],
      ['eos_token_id', 49408, 'CONFIG_INCONSISTENT_FIELDS'],
      ['hidden_act', 'selu', 'CONFIG_UNSUPPORTED_VALUE'],
      ['hidden_act', 42, 'CONFIG_INVALID_FIELD'],
      ['num_attention_heads', 7, 'CONFIG_INCONSISTENT_FIELDS'],
    ] as const)('%s = %j', (field, value, code) => {
      expectConfigError(() => CLIPSegTextConfig.fromJSON({ [field]: value }), code, field);
    });

    it('a wrong model_type', () => {
      expectConfigError(() => CLIPSegTextConfig.fromJSON({ model_type: 'clip_text_model' }), 'CONFIG_WRONG_MODEL_TYPE', 'model_type');
    });

    it('bad JSON and non-objects', () => {
      const error = expectConfigError(() => CLIPSegTextConfig.fromJSON('{"hidden_size": '), 'CONFIG_INVALID_JSON', '');
      expect(error.cause).toBeInstanceOf(SyntaxError);
      expectConfigError(() => CLIPSegTextConfig.fromJSON('[1]'), 'CONFIG_NOT_AN_OBJECT', '');
      expectConfigError(() => CLIPSegTextConfig.fromJSON(null), 'CONFIG_NOT_AN_OBJECT', '');
    });
  });
});

import { describe, expect, it } from 'vitest';
import { expectConfigError } from '../../test/fixtures/config/expect-config-error.js';
import { CLIPSEG_VISION_CONFIG_DEFAULTS, CLIPSegVisionConfig } from './vision-config.js';

describe('CLIPSegVisionConfig', () => {
  it('uses HF defaults for missing fields', () => {
    const config = CLIPSegVisionConfig.fromJSON({ model_type: 'clipseg_vision_model' });
    expect(config.fields()).toEqual({
      hidden_size: 768,
      intermediate_size: 3072,
      num_hidden_layers: 12,
      num_attention_heads: 12,
      num_channels: 3,
      image_size: 224,
      patch_size: 32,
      hidden_act: 'quick_gelu',
      layer_norm_eps: 1e-5,
      attention_dropout: 0,
      initializer_range: 0.02,
      initializer_factor: 1,
    });
    expect(new CLIPSegVisionConfig().fields()).toEqual(CLIPSEG_VISION_CONFIG_DEFAULTS);
  });

  it('derives patch grid, positions and head size', () => {
    const b32 = new CLIPSegVisionConfig();
    expect([b32.numPatchesPerSide, b32.numPatches, b32.numPositions, b32.headDim]).toEqual([7, 49, 50, 64]);
    const b16 = new CLIPSegVisionConfig({ patch_size: 16 });
    expect([b16.numPatchesPerSide, b16.numPatches, b16.numPositions]).toEqual([14, 196, 197]);
  });

  it('takes vision_config out of a full CLIPSeg config', () => {
    const config = CLIPSegVisionConfig.fromJSON({ model_type: 'clipseg', vision_config: { patch_size: 16 } });
    expect(config.patch_size).toBe(16);
    expectConfigError(
      () => CLIPSegVisionConfig.fromJSON({ model_type: 'clipseg', vision_config: { patch_size: 15 } }),
      'CONFIG_INCONSISTENT_FIELDS',
      'vision_config.patch_size',
    );
  });

  it('round-trips through toJSON, keeping null token ids as extras', () => {
    const config = CLIPSegVisionConfig.fromJSON({ patch_size: 16, pad_token_id: null, architectures: null });
    expect(config.extras).toEqual({ pad_token_id: null, architectures: null });
    const again = CLIPSegVisionConfig.fromJSON(JSON.stringify(config));
    expect(again.toDict()).toEqual(config.toDict());
    expect(again.toDict().model_type).toBe('clipseg_vision_model');
  });

  describe('rejects', () => {
    it.each([
      ['image_size', 225, 'CONFIG_INCONSISTENT_FIELDS', 'patch_size'],
      ['num_attention_heads', 5, 'CONFIG_INCONSISTENT_FIELDS', 'num_attention_heads'],
      ['num_channels', 0, 'CONFIG_INVALID_FIELD', 'num_channels'],
      ['patch_size', '16', 'CONFIG_INVALID_FIELD', 'patch_size'],
      ['intermediate_size', 3072.5, 'CONFIG_INVALID_FIELD', 'intermediate_size'],
      ['layer_norm_eps', 0, 'CONFIG_INVALID_FIELD', 'layer_norm_eps'],
      ['hidden_act', 'tanh', 'CONFIG_UNSUPPORTED_VALUE', 'hidden_act'],
      ['hidden_size', true, 'CONFIG_INVALID_FIELD', 'hidden_size'],
    ] as const)('%s = %j', (field, value, code, path) => {
      expectConfigError(() => new CLIPSegVisionConfig({ [field]: value }), code, path);
    });

    it('a wrong model_type', () => {
      expectConfigError(() => CLIPSegVisionConfig.fromJSON({ model_type: 'clipseg_text_model' }), 'CONFIG_WRONG_MODEL_TYPE', 'model_type');
    });

    it('accepts every supported activation', () => {
      for (const act of ['quick_gelu', 'gelu', 'gelu_new', 'gelu_pytorch_tanh', 'gelu_fast', 'relu', 'silu', 'swish']) {
        expect(new CLIPSegVisionConfig({ hidden_act: act as 'gelu' }).hidden_act).toBe(act);
      }
    });
  });
});

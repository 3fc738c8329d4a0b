import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeWithShared, sharedDir } from '../testing/shared-dir.js';
import { expectConfigError } from '../../test/fixtures/config/expect-config-error.js';
import { CLIPSegConfig } from './clipseg-config.js';
import { CLIPSEG_PRESET_NAMES, clipsegPreset, isCLIPSegPresetName } from './presets.js';
import type { CLIPSegPresetName } from './presets.js';

const shared = sharedDir();

describe('clipsegPreset', () => {
  it('knows the published architectures', () => {
    expect([...CLIPSEG_PRESET_NAMES]).toEqual(['rd64-refined', 'rd64', 'rd16', 'tiny']);
    expect(isCLIPSegPresetName('rd64')).toBe(true);
    expect(isCLIPSegPresetName('rd32')).toBe(false);
  });

  it.each([
    ['rd64-refined', 64, true],
    ['rd64', 64, false],
    ['rd16', 16, false],
  ] as const)('%s: ViT-B/16 + CLIP text, reduce_dim %i, complex conv %s', (name, reduceDim, complex) => {
    const config = clipsegPreset(name);
    expect(config.reduce_dim).toBe(reduceDim);
    expect(config.use_complex_transposed_convolution).toBe(complex);
    expect(config.fields()).toMatchObject({
      projection_dim: 512,
      extract_layers: [3, 6, 9],
      decoder_num_attention_heads: 4,
      decoder_intermediate_size: 2048,
      conditional_layer: 0,
    });
    expect(config.vision_config.fields()).toMatchObject({
      hidden_size: 768,
      num_hidden_layers: 12,
      num_attention_heads: 12,
      intermediate_size: 3072,
      image_size: 224,
      patch_size: 16,
    });
    expect(config.text_config.fields()).toMatchObject({
      hidden_size: 512,
      num_hidden_layers: 12,
      num_attention_heads: 8,
      intermediate_size: 2048,
      bos_token_id: 0,
      eos_token_id: 2,
      pad_token_id: 1,
    });
    expect(config.usesLegacyArgmaxPooling).toBe(true);
    expect(config.extras).toEqual({ architectures: ['CLIPSegForImageSegmentation'], torch_dtype: 'float32' });
    expect(CLIPSegConfig.fromJSON(JSON.stringify(config)).toDict()).toEqual(config.toDict());
  });

  it('returns a fresh config each time', () => {
    const a = clipsegPreset('rd64');
    const b = clipsegPreset('rd64');
    expect(a).not.toBe(b);
    expect(a.toDict()).toEqual(b.toDict());
  });

  it('tiny: the golden tiny model', () => {
    const config = clipsegPreset('tiny');
    expect(config.vision_config.numPositions).toBe(197);
    expect(config.decoderHeadDim).toBe(8);
    expect(config.usesLegacyArgmaxPooling).toBe(false);
  });

  it('rejects unknown names', () => {
    const error = expectConfigError(() => clipsegPreset('rd32' as CLIPSegPresetName), 'CONFIG_UNKNOWN_PRESET', '');
    expect(error.message).toContain('rd64-refined');
  });
});

describeWithShared('golden clipseg-tiny-refined/config.json', () => {
  const path = (name: string) => join(shared, 'golden/clipseg-tiny-refined', name);

  it('parses, and equals the tiny preset', () => {
    const text = readFileSync(path('config.json'), 'utf8');
    const config = CLIPSegConfig.fromJSON(text);
    expect(config.toDict()).toEqual(clipsegPreset('tiny').toDict());
    expect(JSON.parse(JSON.stringify(config))).toEqual(JSON.parse(text));
    expect(config.text_config.fields()).toMatchObject({ hidden_size: 32, intermediate_size: 37, pad_token_id: 49407 });
    expect(config.extract_layers).toEqual([1, 2, 3]);
  });
});

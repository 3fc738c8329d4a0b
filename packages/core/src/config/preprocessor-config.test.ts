import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeWithShared, sharedDir } from '../testing/shared-dir.js';
import { expectConfigError } from '../../test/fixtures/config/expect-config-error.js';
import { VIT_IMAGE_PROCESSOR_DEFAULTS, ViTImageProcessorConfig } from './preprocessor-config.js';

const shared = sharedDir();

describe('ViTImageProcessorConfig', () => {
  it('uses HF ViTImageProcessor defaults', () => {
    const config = ViTImageProcessorConfig.fromJSON('{}');
    expect(config.fields()).toEqual({
      do_resize: true,
      size: { height: 224, width: 224 },
      resample: 2,
      do_rescale: true,
      rescale_factor: 1 / 255,
      do_normalize: true,
      image_mean: [0.5, 0.5, 0.5],
      image_std: [0.5, 0.5, 0.5],
      do_convert_rgb: null,
    });
    expect(config.fields()).toEqual(VIT_IMAGE_PROCESSOR_DEFAULTS);
    expect(config.resampleName).toBe('bilinear');
    expect(config.image_processor_type).toBeUndefined();
  });

  it('normalises size given as an int or [height, width]', () => {
    expect(ViTImageProcessorConfig.fromJSON({ size: 4096 }).size).toEqual({ height: 4096, width: 4096 });
    expect(ViTImageProcessorConfig.fromJSON({ size: 352 }).size).toEqual({ height: 352, width: 352 });
    expect(ViTImageProcessorConfig.fromJSON({ size: [352, 320] }).size).toEqual({ height: 352, width: 320 });
    expect(ViTImageProcessorConfig.fromJSON({ size: 352 }).toDict().size).toEqual({ height: 352, width: 352 });
  });

  it('expands a scalar mean/std to every channel, and checks channel count', () => {
    const config = ViTImageProcessorConfig.fromJSON({ image_mean: 0.5, image_std: 0.25 });
    expect(config.image_mean).toEqual([0.5, 0.5, 0.5]);
    expect(config.image_std).toEqual([0.25, 0.25, 0.25]);
    expect(ViTImageProcessorConfig.fromJSON({ image_mean: [0.1], image_std: [0.2] }, { numChannels: 1 }).image_mean).toEqual([0.1]);
    expect(ViTImageProcessorConfig.fromJSON({}, { numChannels: 1 }).image_std).toEqual([0.5]);
    expectConfigError(() => ViTImageProcessorConfig.fromJSON({}, { numChannels: 0 }), 'CONFIG_INVALID_FIELD', 'numChannels');
    expectConfigError(() => ViTImageProcessorConfig.fromJSON({ image_mean: [0.5, 0.5, 0.5] }, { numChannels: 4 }), 'CONFIG_INVALID_FIELD', 'image_mean');
  });

  it('accepts every PIL resample code and the ViT processor types', () => {
    const names = [0, 1, 2, 3, 4, 5].map((resample) => ViTImageProcessorConfig.fromJSON({ resample }).resampleName);
    expect(names).toEqual(['nearest', 'lanczos', 'bilinear', 'bicubic', 'box', 'hamming']);
    for (const type of ['ViTImageProcessor', 'ViTImageProcessorFast', 'ViTFeatureExtractor']) {
      expect(ViTImageProcessorConfig.fromJSON({ image_processor_type: type }).image_processor_type).toBe(type);
      expect(ViTImageProcessorConfig.fromJSON({ feature_extractor_type: type }).feature_extractor_type).toBe(type);
    }
  });

  it('round-trips, keeping unknown members', () => {
    const json = { image_processor_type: 'ViTImageProcessor', processor_class: 'CLIPSegProcessor', size: { height: 352, width: 352 }, do_center_crop: false };
    const config = ViTImageProcessorConfig.fromJSON(json);
    expect(config.extras).toEqual({ processor_class: 'CLIPSegProcessor', do_center_crop: false });
    expect(ViTImageProcessorConfig.fromJSON(JSON.stringify(config)).toDict()).toEqual(config.toDict());
    expect(config.toDict()).toMatchObject(json);
  });

  describe('rejects', () => {
    it.each([
      [{ size: { shortest_edge: 224 } }, 'CONFIG_UNSUPPORTED_VALUE', 'size'],
      [{ size: { shortest_edge: 224, longest_edge: 448 } }, 'CONFIG_UNSUPPORTED_VALUE', 'size'],
      [{ size: { height: 0, width: 352 } }, 'CONFIG_INVALID_FIELD', 'size'],
      [{ size: { height: 352 } }, 'CONFIG_INVALID_FIELD', 'size'],
      [{ size: '352' }, 'CONFIG_INVALID_FIELD', 'size'],
      [{ size: -1 }, 'CONFIG_INVALID_FIELD', 'size'],
      // Sides past MAX_IMAGE_SIDE: preprocessing would allocate gigabytes or throw a RangeError (found by pnpm fuzz).
      [{ size: 200_000 }, 'CONFIG_INVALID_FIELD', 'size'],
      [{ size: [352, 2 ** 40] }, 'CONFIG_INVALID_FIELD', 'size'],
      [{ size: { height: 4097, width: 352 } }, 'CONFIG_INVALID_FIELD', 'size'],
      [{ resample: 6 }, 'CONFIG_INVALID_FIELD', 'resample'],
      [{ resample: 'bilinear' }, 'CONFIG_INVALID_FIELD', 'resample'],
      [{ image_std: [0.229, 0, 0.225] }, 'CONFIG_INVALID_FIELD', 'image_std[1]'],
      [{ image_std: 0 }, 'CONFIG_INVALID_FIELD', 'image_std'],
      [{ image_mean: [0.5, 0.5] }, 'CONFIG_INVALID_FIELD', 'image_mean'],
      [{ image_mean: [0.5, '0.5', 0.5] }, 'CONFIG_INVALID_FIELD', 'image_mean[1]'],
      [{ image_mean: 'imagenet' }, 'CONFIG_INVALID_FIELD', 'image_mean'],
      [{ rescale_factor: 0 }, 'CONFIG_INVALID_FIELD', 'rescale_factor'],
      [{ do_resize: 'true' }, 'CONFIG_INVALID_FIELD', 'do_resize'],
      [{ do_convert_rgb: 1 }, 'CONFIG_INVALID_FIELD', 'do_convert_rgb'],
      [{ image_processor_type: 'CLIPImageProcessor' }, 'CONFIG_UNSUPPORTED_VALUE', 'image_processor_type'],
      [{ feature_extractor_type: 'DetrFeatureExtractor' }, 'CONFIG_UNSUPPORTED_VALUE', 'feature_extractor_type'],
      [{ image_processor_type: 7 }, 'CONFIG_INVALID_FIELD', 'image_processor_type'],
    ] as const)('%j', (json, code, path) => {
      expectConfigError(() => ViTImageProcessorConfig.fromJSON(json), code, path);
    });

    it('bad JSON and non-objects', () => {
      expectConfigError(() => ViTImageProcessorConfig.fromJSON('{'), 'CONFIG_INVALID_JSON', '');
      expectConfigError(() => ViTImageProcessorConfig.fromJSON('[]'), 'CONFIG_NOT_AN_OBJECT', '');
    });
  });
});

describeWithShared('golden clipseg-tiny-refined/preprocessor_config.json', () => {
  it('parses the CIDAS preprocessor config', () => {
    const text = readFileSync(join(shared, 'golden/clipseg-tiny-refined/preprocessor_config.json'), 'utf8');
    const config = ViTImageProcessorConfig.fromJSON(text);
    expect(config.fields()).toEqual({
      do_resize: true,
      size: { height: 352, width: 352 },
      resample: 2,
      do_rescale: true,
      rescale_factor: 0.00392156862745098,
      do_normalize: true,
      image_mean: [0.485, 0.456, 0.406],
      image_std: [0.229, 0.224, 0.225],
      do_convert_rgb: null,
    });
    expect(config.feature_extractor_type).toBe('ViTImageProcessor');
    expect(config.extras).toEqual({ processor_class: 'CLIPSegProcessor' });
    expect(config.resampleName).toBe('bilinear');
    const { do_convert_rgb: _unset, ...written } = config.toDict();
    expect(written).toEqual(JSON.parse(text));
  });
});

describe('hostile preprocessor configs found by fuzzing (docs/fuzzing.md)', () => {
  it('a channel count from config.json is bounded before image_mean/image_std are expanded to it', () => {
    const started = performance.now();
    expectConfigError(() => ViTImageProcessorConfig.fromJSON({}, { numChannels: 10_000_000 }), 'CONFIG_INVALID_FIELD', 'numChannels');
    expectConfigError(() => ViTImageProcessorConfig.fromJSON({ image_mean: 0.5 }, { numChannels: 2 ** 32 }), 'CONFIG_INVALID_FIELD', 'numChannels');
    expect(performance.now() - started).toBeLessThan(500);
    expect(ViTImageProcessorConfig.fromJSON({}, { numChannels: 1024 }).image_mean).toHaveLength(1024);
  });

  it('a size beyond 2^53 is refused', () => {
    expectConfigError(() => ViTImageProcessorConfig.fromJSON({ size: { height: 1e300, width: 352 } }), 'CONFIG_INVALID_FIELD', 'size');
  });

  it('a deeply nested extra attribute is a CONFIG_INVALID_FIELD, not a stack overflow', () => {
    const text = `{"processor_class":${'['.repeat(50_000)}${']'.repeat(50_000)}}`;
    expectConfigError(() => ViTImageProcessorConfig.fromJSON(text), 'CONFIG_INVALID_FIELD', 'processor_class');
  });
});

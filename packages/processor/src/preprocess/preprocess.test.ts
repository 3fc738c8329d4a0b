import { ViTImageProcessorConfig } from '@clipseg/core';
import { describe, expect, it } from 'vitest';
import { ProcessorError } from '../errors.js';
import type { RasterImage } from '../image/raster-image.js';
import { pixelValueTable, preprocess } from './preprocess.js';

const CIDAS = new ViTImageProcessorConfig({
  size: { height: 352, width: 352 },
  image_mean: [0.485, 0.456, 0.406],
  image_std: [0.229, 0.224, 0.225],
});

const solid = (width: number, height: number, rgb: [number, number, number]): RasterImage => {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set(rgb, 3 * i);
  return { width, height, channels: 3, data };
};

describe('preprocess', () => {
  it('matches numpy float32 for rescale + normalize (values from numpy 1.24)', () => {
    const t = pixelValueTable(CIDAS);
    // np.float32(np.float64(v) / 255 ...) then (x - np.float32(mean)) / np.float32(std)
    expect([t[0]![0], t[1]![0], t[2]![0]]).toEqual([-2.1179039478302, -2.0357141494750977, -1.804444432258606]);
    expect([t[0]![1], t[1]![1], t[2]![1]]).toEqual([-2.1007792949676514, -2.018207311630249, -1.7870151996612549]);
    expect([t[0]![128], t[1]![128], t[2]![128]]).toEqual([0.07406462728977203, 0.20518219470977783, 0.4264925718307495]);
    expect([t[0]![255], t[1]![255], t[2]![255]]).toEqual([2.248908281326294, 2.4285714626312256, 2.640000104904175]);
  });

  it('gives [batch, 3, H, W] in CHW order', () => {
    const out = preprocess([solid(40, 30, [0, 128, 255]), solid(10, 70, [255, 255, 255])], CIDAS);
    expect(out.type).toBe('float32');
    expect(out.dims).toEqual([2, 3, 352, 352]);
    const plane = 352 * 352;
    expect(out.data[0]).toBeCloseTo(-2.1179, 4);
    expect(out.data[plane]).toBeCloseTo(0.2052, 4);
    expect(out.data[2 * plane + 5]).toBeCloseTo(2.64, 4);
    expect(out.data[3 * plane]).toBeCloseTo(2.2489, 4);
  });

  it('converts gray, RGBA and palette images to RGB first', () => {
    const gray: RasterImage = { width: 2, height: 2, channels: 1, data: new Uint8Array([255, 255, 255, 255]) };
    const rgba: RasterImage = { width: 2, height: 2, channels: 4, data: new Uint8Array(16).fill(255) };
    const a = preprocess([gray], CIDAS).data;
    const b = preprocess([rgba], CIDAS).data;
    const c = preprocess([solid(2, 2, [255, 255, 255])], CIDAS).data;
    // (typed-array deep equality is slow in vitest at this size; compare element-wise)
    expect(a.every((v, i) => v === c[i])).toBe(true);
    expect(b.every((v, i) => v === c[i])).toBe(true);
  });

  it('honours do_resize, do_rescale and do_normalize', () => {
    const image = solid(3, 2, [10, 20, 30]);
    const raw = preprocess([image], new ViTImageProcessorConfig({ do_resize: false, do_rescale: false, do_normalize: false }));
    expect(raw.dims).toEqual([1, 3, 2, 3]);
    expect([...raw.data]).toEqual([10, 10, 10, 10, 10, 10, 20, 20, 20, 20, 20, 20, 30, 30, 30, 30, 30, 30]);
    const rescaled = preprocess([image], new ViTImageProcessorConfig({ do_resize: false, do_normalize: false }));
    expect(rescaled.data[0]).toBe(Math.fround(10 / 255));
    const defaults = preprocess([image], new ViTImageProcessorConfig({ do_resize: false }));
    expect(defaults.data[0]).toBe(Math.fround(Math.fround(Math.fround(10 / 255) - 0.5) / 0.5));
    const small = preprocess([image], new ViTImageProcessorConfig({ size: { height: 4, width: 5 } }));
    expect(small.dims).toEqual([1, 3, 4, 5]);
  });

  it('throws typed errors for empty batches, mismatched sizes and unusable configs', () => {
    const code = (fn: () => unknown): string => {
      try {
        fn();
      } catch (error) {
        expect(error).toBeInstanceOf(ProcessorError);
        return (error as ProcessorError).code;
      }
      return 'none';
    };
    const noResize = new ViTImageProcessorConfig({ do_resize: false });
    expect(code(() => preprocess([], CIDAS))).toBe('PROCESSOR_EMPTY_BATCH');
    expect(code(() => preprocess([solid(2, 2, [0, 0, 0]), solid(3, 2, [0, 0, 0])], noResize))).toBe('PROCESSOR_SIZE_MISMATCH');
    expect(code(() => preprocess([{ width: 0, height: 2, channels: 3, data: new Uint8Array(0) }], CIDAS))).toBe('PROCESSOR_EMPTY_IMAGE');
    expect(code(() => preprocess([solid(2, 2, [0, 0, 0])], { ...CIDAS.fields(), image_mean: [0.5] }))).toBe('PROCESSOR_INVALID_ARGUMENT');
    expect(code(() => preprocess([solid(2, 2, [0, 0, 0])], { ...CIDAS.fields(), image_std: [1, 0, 1] }))).toBe('PROCESSOR_INVALID_ARGUMENT');
    expect(code(() => preprocess([solid(2, 2, [0, 0, 0])], { ...CIDAS.fields(), size: { height: 0, width: 3 } }))).toBe('PROCESSOR_INVALID_ARGUMENT');
  });
});

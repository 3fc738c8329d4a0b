import { describe, expect, it } from 'vitest';
import { ProcessorError } from '../errors.js';
import type { RasterImage } from '../image/raster-image.js';
import { fixedPointWeights, precomputeCoefficients, PRECISION_BITS } from './precompute-coeffs.js';
import { RESAMPLE_KERNELS, resampleName } from './resample-filters.js';
import { resizeImage } from './resize-image.js';

const row = (values: number[]): RasterImage => ({ width: values.length, height: 1, channels: 1, data: new Uint8Array(values) });
const column = (values: number[]): RasterImage => ({ width: 1, height: values.length, channels: 1, data: new Uint8Array(values) });

describe("Pillow's filters and coefficients", () => {
  it('evaluates the kernels as Resample.c does', () => {
    const { box, bilinear, bicubic, hamming, lanczos } = RESAMPLE_KERNELS;
    expect([box.kernel(-0.5), box.kernel(0.5), box.kernel(0)]).toEqual([0, 1, 1]);
    expect([bilinear.kernel(0.25), bilinear.kernel(-0.75), bilinear.kernel(1)]).toEqual([0.75, 0.25, 0]);
    expect([bicubic.kernel(0), bicubic.kernel(0.5), bicubic.kernel(1.5), bicubic.kernel(2)]).toEqual([1, 0.5625, -0.0625, 0]);
    expect(Math.abs(bicubic.kernel(1))).toBe(0);
    expect([hamming.kernel(0), hamming.kernel(1)]).toEqual([1, 0]);
    expect(lanczos.kernel(0)).toBe(1);
    expect(lanczos.kernel(3)).toBe(0);
    expect(lanczos.kernel(1)).toBeCloseTo(0, 15);
  });

  it('downscale 4 → 2 (bilinear): support 2, weights 3/7, 3/7, 1/7', () => {
    const c = precomputeCoefficients(4, 0, 4, 2, RESAMPLE_KERNELS.bilinear);
    expect(c.ksize).toBe(5);
    expect([...c.bounds]).toEqual([0, 3, 1, 3]);
    expect([...c.weights.subarray(0, 3)].map((w) => w * 7)).toEqual([3, 3, 1].map((v) => expect.closeTo(v, 12) as unknown as number));
    const fixed = fixedPointWeights(c.weights);
    expect(fixed[0]).toBe(Math.round((3 / 7) * 2 ** PRECISION_BITS));
  });

  it('resolves filter codes and names', () => {
    expect([0, 1, 2, 3, 4, 5].map((code) => resampleName(code as 0))).toEqual(['nearest', 'lanczos', 'bilinear', 'bicubic', 'box', 'hamming']);
    expect(resampleName('bicubic')).toBe('bicubic');
    expect(() => resampleName(6 as 0)).toThrow(expect.objectContaining({ code: 'PROCESSOR_UNSUPPORTED' }) as unknown as Error);
    expect(() => resampleName('area' as 'box')).toThrow(ProcessorError);
  });
});

describe('resizeImage, hand-computed cases', () => {
  it('bilinear downscale: (0·3 + 100·3 + 200·1) / 7 = 71.4 → 71 and (100 + 200·3 + 255·3) / 7 = 209.3 → 209', () => {
    expect([...resizeImage(row([0, 100, 200, 255]), { width: 2, height: 1 }).data]).toEqual([71, 209]);
    expect([...resizeImage(column([0, 100, 200, 255]), { width: 1, height: 2 }).data]).toEqual([71, 209]);
  });

  it('bilinear upscale 2 → 4: [0, 63.75, 191.25, 255] rounds to [0, 64, 191, 255]', () => {
    expect([...resizeImage(row([0, 255]), { width: 4, height: 1 }).data]).toEqual([0, 64, 191, 255]);
  });

  it('nearest takes the source pixel under each output centre', () => {
    expect([...resizeImage(row([10, 20, 30, 40]), { width: 2, height: 1 }, { resample: 'nearest' }).data]).toEqual([20, 40]);
    // centres 0.2, 0.6, 1.0, 1.4, 1.8 (accumulated in float64, as Pillow does)
    expect([...resizeImage(row([10, 20]), { width: 5, height: 1 }, { resample: 0 }).data]).toEqual([10, 10, 20, 20, 20]);
  });

  it('box filter averages whole pixels when downscaling by an integer factor', () => {
    expect([...resizeImage(row([10, 20, 30, 41]), { width: 2, height: 1 }, { resample: 'box' }).data]).toEqual([15, 36]);
  });

  it('identity is a copy; constant images stay constant for every filter and size', () => {
    const image: RasterImage = { width: 5, height: 3, channels: 3, data: new Uint8Array(45).fill(77) };
    const same = resizeImage(image, { width: 5, height: 3 });
    expect(same.data).not.toBe(image.data);
    expect([...same.data]).toEqual([...image.data]);
    for (const resample of [0, 1, 2, 3, 4, 5] as const) {
      for (const size of [
        { width: 2, height: 7 },
        { width: 11, height: 1 },
        { width: 5, height: 9 },
      ]) {
        const out = resizeImage(image, size, { resample });
        expect(out.data.every((v) => v === 77)).toBe(true);
      }
    }
  });

  it('clips overshoot of bicubic and lanczos to 0–255', () => {
    const out = resizeImage(row([0, 0, 255, 255, 0, 0]), { width: 17, height: 1 }, { resample: 'lanczos' });
    expect(Math.max(...out.data)).toBe(255);
    expect(Math.min(...out.data)).toBe(0);
  });

  it('keeps channels, and resizes palette images with nearest (keeping the palette)', () => {
    const palette = new Uint8Array([0, 0, 0, 255, 255, 255]);
    const out = resizeImage({ width: 2, height: 1, channels: 1, data: new Uint8Array([0, 1]), palette }, { width: 4, height: 1 }, { resample: 'bicubic' });
    expect([...out.data]).toEqual([0, 0, 1, 1]);
    expect(out.palette).toBe(palette);
    const rgba = resizeImage({ width: 2, height: 2, channels: 4, data: new Uint8Array(16).fill(9) }, { width: 3, height: 1 });
    expect([rgba.channels, rgba.data.length]).toEqual([4, 12]);
  });

  it('a box selects the source region (Pillow semantics)', () => {
    const out = resizeImage(row([0, 10, 20, 30, 40, 50]), { width: 2, height: 1 }, { resample: 'nearest', box: [2, 0, 6, 1] });
    expect([...out.data]).toEqual([30, 50]);
  });

  it('throws typed errors', () => {
    const image = row([1, 2, 3]);
    const code = (fn: () => unknown): string => {
      try {
        fn();
      } catch (error) {
        return (error as ProcessorError).code;
      }
      return 'none';
    };
    expect(code(() => resizeImage(image, { width: 0, height: 1 }))).toBe('PROCESSOR_INVALID_ARGUMENT');
    expect(code(() => resizeImage(image, { width: 2.5, height: 1 }))).toBe('PROCESSOR_INVALID_ARGUMENT');
    expect(code(() => resizeImage(image, { width: 2, height: 1 }, { box: [-1, 0, 2, 1] }))).toBe('PROCESSOR_INVALID_ARGUMENT');
    expect(code(() => resizeImage(image, { width: 2, height: 1 }, { box: [0, 0, 4, 1] }))).toBe('PROCESSOR_INVALID_ARGUMENT');
    expect(code(() => resizeImage(image, { width: 2, height: 1 }, { box: [2, 0, 1, 1] }))).toBe('PROCESSOR_INVALID_ARGUMENT');
    expect(code(() => resizeImage({ width: 1, height: 1, channels: 1, data: new Uint16Array(1) }, { width: 2, height: 2 }))).toBe('PROCESSOR_UNSUPPORTED');
    expect(code(() => resizeImage({ width: 0, height: 1, channels: 1, data: new Uint8Array(0) }, { width: 2, height: 2 }))).toBe('PROCESSOR_EMPTY_IMAGE');
  });
});

import type { ResampleKernel } from './resample-filters.js';

/** Fixed-point precision of Pillow's 8-bit resampler: 32 bits − 8 for the result − 2 for overflow. */
export const PRECISION_BITS = 32 - 8 - 2;

/** Per-output-pixel convolution weights along one axis, as Pillow's `precompute_coeffs` computes them. */
export interface AxisCoefficients {
  /** Weights per output pixel (the stride of `weights`). */
  readonly ksize: number;
  /** For output pixel `i`: first source pixel `bounds[2i]` and count `bounds[2i + 1]`. */
  readonly bounds: Int32Array;
  /** Normalised float64 weights, `ksize` per output pixel, zero-padded. */
  readonly weights: Float64Array;
}

/**
 * Pillow's `precompute_coeffs` (`libImaging/Resample.c`), step for step: the source span `[in0, in1)` (C floats)
 * maps onto `outSize` pixels; the kernel's support grows with the downscale factor (antialiasing); each output
 * pixel's weights are normalised to sum to 1.
 */
export function precomputeCoefficients(inSize: number, in0: number, in1: number, outSize: number, filter: ResampleKernel): AxisCoefficients {
  // (double)(in1 - in0) / outSize, with in0 and in1 C floats
  const scale = Math.fround(Math.fround(in1) - Math.fround(in0)) / outSize;
  const filterscale = scale < 1 ? 1 : scale;
  const support = filter.support * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const weights = new Float64Array(outSize * ksize);
  const bounds = new Int32Array(outSize * 2);
  const start = Math.fround(in0);
  const ss = 1 / filterscale;
  const kernel = filter.kernel;
  for (let xx = 0; xx < outSize; xx++) {
    const center = start + (xx + 0.5) * scale;
    let ww = 0;
    // (int) casts truncate toward zero
    let xmin = Math.trunc(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    let xmax = Math.trunc(center + support + 0.5);
    if (xmax > inSize) xmax = inSize;
    xmax -= xmin;
    const k = xx * ksize;
    for (let x = 0; x < xmax; x++) {
      const w = kernel((x + xmin - center + 0.5) * ss);
      weights[k + x] = w;
      ww += w;
    }
    if (ww !== 0) for (let x = 0; x < xmax; x++) weights[k + x] = weights[k + x]! / ww;
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { ksize, bounds, weights };
}

/**
 * Pillow's `normalize_coeffs_8bpc`: weights to signed fixed point with {@link PRECISION_BITS} fraction bits,
 * rounding half away from zero (C's `(int)` truncation after adding ±0.5).
 */
export function fixedPointWeights(weights: Float64Array): Int32Array {
  const out = new Int32Array(weights.length);
  const one = 1 << PRECISION_BITS;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    out[i] = w < 0 ? Math.trunc(-0.5 + w * one) : Math.trunc(0.5 + w * one);
  }
  return out;
}

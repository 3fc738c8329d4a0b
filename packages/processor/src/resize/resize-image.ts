import type { ImageSize } from '@clipseg/core';
import { ProcessorError, checkInteger } from '../errors.js';
import { checkRasterImage, bitDepthOf } from '../image/raster-image.js';
import type { RasterImage, RasterImage8 } from '../image/raster-image.js';
import { PRECISION_BITS, fixedPointWeights, precomputeCoefficients } from './precompute-coeffs.js';
import type { AxisCoefficients } from './precompute-coeffs.js';
import { RESAMPLE_KERNELS, resampleName } from './resample-filters.js';
import type { ResampleFilter } from './resample-filters.js';

/** Target size of a resize in pixels, positive integers: `@clipseg/core`'s `ImageSize`. */
export type ResizeSize = ImageSize;

/** Source region of a resize, Pillow's `box`: `[left, upper, right, lower]` in source pixels, fractions allowed. */
export type ResizeBox = readonly [left: number, upper: number, right: number, lower: number];

/** Options of {@link resizeImage}. */
export interface ResizeOptions {
  /** Filter, a PIL code or name. Default `'bilinear'` (2), what CLIPSeg's `preprocessor_config.json` asks for. */
  readonly resample?: ResampleFilter;
  /** Region of the source to resize, like Pillow's `box` (stored as C floats there, and here). Default: the whole image. */
  readonly box?: ResizeBox;
}

const HALF = 1 << (PRECISION_BITS - 1);

/** Pillow's `clip8`: fixed-point sum to a byte. `>>` floors, as C's arithmetic shift does. */
function clip8(sum: number): number {
  const v = sum >> PRECISION_BITS;
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/** Pillow's `ImagingResampleHorizontal_8bpc` over rows `[offset, offset + rows)` of `src`. */
function resampleHorizontal(src: Uint8Array, srcWidth: number, channels: number, offset: number, rows: number, coeffs: AxisCoefficients, outWidth: number): Uint8Array {
  const { ksize, bounds } = coeffs;
  const kk = fixedPointWeights(coeffs.weights);
  const out = new Uint8Array(outWidth * rows * channels);
  const srcStride = srcWidth * channels;
  let o = 0;
  for (let yy = 0; yy < rows; yy++) {
    const row = (yy + offset) * srcStride;
    for (let xx = 0; xx < outWidth; xx++) {
      const xmin = bounds[xx * 2]!;
      const xmax = bounds[xx * 2 + 1]!;
      const k = xx * ksize;
      if (channels === 3) {
        let s0 = HALF;
        let s1 = HALF;
        let s2 = HALF;
        for (let x = 0, p = row + xmin * 3; x < xmax; x++, p += 3) {
          const w = kk[k + x]!;
          s0 = (s0 + Math.imul(src[p]!, w)) | 0;
          s1 = (s1 + Math.imul(src[p + 1]!, w)) | 0;
          s2 = (s2 + Math.imul(src[p + 2]!, w)) | 0;
        }
        out[o++] = clip8(s0);
        out[o++] = clip8(s1);
        out[o++] = clip8(s2);
      } else {
        for (let c = 0; c < channels; c++) {
          let s = HALF;
          for (let x = 0, p = row + xmin * channels + c; x < xmax; x++, p += channels) s = (s + Math.imul(src[p]!, kk[k + x]!)) | 0;
          out[o++] = clip8(s);
        }
      }
    }
  }
  return out;
}

/** Pillow's `ImagingResampleVertical_8bpc`; `coeffs.bounds` are relative to the first row of `src`. */
function resampleVertical(src: Uint8Array, width: number, channels: number, coeffs: AxisCoefficients, outHeight: number): Uint8Array {
  const { ksize, bounds } = coeffs;
  const kk = fixedPointWeights(coeffs.weights);
  const stride = width * channels;
  const out = new Uint8Array(stride * outHeight);
  for (let yy = 0; yy < outHeight; yy++) {
    const ymin = bounds[yy * 2]!;
    const ymax = bounds[yy * 2 + 1]!;
    const k = yy * ksize;
    const base = yy * stride;
    const first = ymin * stride;
    for (let i = 0; i < stride; i++) {
      let s = HALF;
      for (let y = 0, p = first + i; y < ymax; y++, p += stride) s = (s + Math.imul(src[p]!, kk[k + y]!)) | 0;
      out[base + i] = clip8(s);
    }
  }
  return out;
}

/** Pillow's `ImagingScaleAffine` (what `resize(…, NEAREST)` runs): pixel centres, accumulated float64 steps. */
function resizeNearest(src: Uint8Array, srcWidth: number, srcHeight: number, channels: number, box: ResizeBox, width: number, height: number): Uint8Array {
  const a0 = Math.fround(Math.fround(box[2]) - Math.fround(box[0])) / width;
  const a4 = Math.fround(Math.fround(box[3]) - Math.fround(box[1])) / height;
  const coord = (v: number): number => (v < 0 ? -1 : Math.trunc(v));
  const xin = new Int32Array(width);
  let xo = Math.fround(box[0]) + a0 * 0.5;
  for (let x = 0; x < width; x++) {
    const i = coord(xo);
    xin[x] = i < srcWidth ? i : -1;
    xo += a0;
  }
  const out = new Uint8Array(width * height * channels);
  let yo = Math.fround(box[1]) + a4 * 0.5;
  for (let y = 0; y < height; y++) {
    const yi = coord(yo);
    yo += a4;
    if (yi < 0 || yi >= srcHeight) continue; // Pillow fills with zeros
    const row = yi * srcWidth * channels;
    for (let x = 0, o = y * width * channels; x < width; x++, o += channels) {
      const i = xin[x]!;
      if (i < 0) continue;
      for (let c = 0; c < channels; c++) out[o + c] = src[row + i * channels + c]!;
    }
  }
  return out;
}

function checkBox(box: ResizeBox, width: number, height: number): void {
  const ok = Array.isArray(box) && box.length === 4 && box.every((v) => typeof v === 'number' && Number.isFinite(v));
  const [x0, y0, x1, y1] = ok ? box : [NaN, NaN, NaN, NaN];
  let problem: string | undefined;
  if (!ok) problem = 'must be four finite numbers [left, upper, right, lower]';
  else if (x0 < 0 || y0 < 0) problem = 'offset must not be negative';
  else if (x1 > width || y1 > height) problem = `must lie inside the ${width} × ${height} image`;
  else if (x1 - x0 < 0 || y1 - y0 < 0) problem = 'must not be empty (right ≥ left, lower ≥ upper)';
  if (problem !== undefined) {
    throw new ProcessorError('PROCESSOR_INVALID_ARGUMENT', `Resize box ${JSON.stringify(box)} ${problem}.`, { details: { box } });
  }
}

/**
 * Resizes an 8-bit image exactly as Pillow's `Image.resize(size, resample, box, reducing_gap=None)` does
 * (Pillow 9.4, `libImaging/Resample.c` and `Geometry.c`):
 *
 * - box, bilinear, hamming, bicubic, lanczos: separable convolution, **horizontal pass first**, each pass with
 *   integer fixed-point weights (22 fraction bits, round half up, clip to 0–255) and an 8-bit intermediate image that
 *   holds only the source rows the vertical pass reads. The kernel's support is scaled by the downscale factor
 *   (antialiasing); weights are normalised per output pixel. A pass whose axis keeps its size and box is skipped.
 * - nearest: the source pixel under each output pixel's centre (Pillow's `ImagingScaleAffine`).
 * - same size and no box: a copy.
 *
 * Channels are resampled independently; unlike Pillow, RGBA and gray + alpha are **not** premultiplied by alpha
 * first (identical results for opaque images). Palette images are resampled with `nearest` whatever `resample`
 * says, as in Pillow.
 *
 * @throws {@link ProcessorError} `PROCESSOR_UNSUPPORTED` for a 16-bit image or unknown filter,
 *   `PROCESSOR_INVALID_ARGUMENT` for a bad size or box, and as {@link checkRasterImage}
 */
export function resizeImage<T extends RasterImage>(image: T, size: ResizeSize, options: ResizeOptions = {}): T & RasterImage8 {
  checkRasterImage(image);
  if (bitDepthOf(image) !== 8) {
    throw new ProcessorError('PROCESSOR_UNSUPPORTED', 'resizeImage needs an 8-bit image; convert 16-bit images with toRgb() first.');
  }
  const width = checkInteger(size?.width, 'width', 1);
  const height = checkInteger(size?.height, 'height', 1);
  let filter = resampleName(options.resample ?? 'bilinear');
  if (image.palette !== undefined) filter = 'nearest';
  const { width: srcWidth, height: srcHeight, channels } = image;
  const src = image.data as Uint8Array;
  const box: ResizeBox = options.box ?? [0, 0, srcWidth, srcHeight];
  if (options.box !== undefined) checkBox(box, srcWidth, srcHeight);
  const result = (data: Uint8Array): T & RasterImage8 => ({ ...image, width, height, data, bitDepth: image.bitDepth === undefined ? undefined : 8 }) as T & RasterImage8;
  if (srcWidth === width && srcHeight === height && box[0] === 0 && box[1] === 0 && box[2] === width && box[3] === height) {
    return result(src.slice());
  }
  if (filter === 'nearest') return result(resizeNearest(src, srcWidth, srcHeight, channels, box, width, height));

  const kernel = RESAMPLE_KERNELS[filter];
  const needHorizontal = width !== srcWidth || Math.fround(box[0]) !== 0 || Math.fround(box[2]) !== width;
  const needVertical = height !== srcHeight || Math.fround(box[1]) !== 0 || Math.fround(box[3]) !== height;
  const vertical = precomputeCoefficients(srcHeight, box[1], box[3], height, kernel);
  let data = src;
  let dataWidth = srcWidth;
  if (needHorizontal) {
    const bounds = vertical.bounds;
    const first = bounds[0]!;
    const last = bounds[height * 2 - 2]! + bounds[height * 2 - 1]!;
    for (let i = 0; i < height; i++) bounds[i * 2] = bounds[i * 2]! - first;
    const horizontal = precomputeCoefficients(srcWidth, box[0], box[2], width, kernel);
    data = resampleHorizontal(src, srcWidth, channels, first, last - first, horizontal, width);
    dataWidth = width;
  }
  if (needVertical) data = resampleVertical(data, dataWidth, channels, vertical, height);
  else if (!needHorizontal) data = src.slice();
  return result(data);
}

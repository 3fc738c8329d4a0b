import { checkInteger, checkNumber } from '../errors.js';

/**
 * A normalised 1-D Gaussian kernel `exp(-x² / 2σ²)`, `x` in `[-radius, radius]`, summing to 1.
 * @param radius - default `ceil(3σ)` (at least 1)
 * @throws {@link ProcessorError} `PROCESSOR_INVALID_ARGUMENT` for a negative or non-finite sigma or a bad radius
 */
export function gaussianKernel(sigma: number, radius?: number): Float64Array {
  checkNumber(sigma, 'sigma', 0);
  const r = radius === undefined ? Math.max(1, Math.ceil(3 * sigma)) : checkInteger(radius, 'radius', 0, 10_000);
  const kernel = new Float64Array(2 * r + 1);
  if (sigma === 0) {
    kernel[r] = 1;
    return kernel;
  }
  let sum = 0;
  for (let i = -r; i <= r; i++) sum += kernel[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < kernel.length; i++) kernel[i] = kernel[i]! / sum;
  return kernel;
}

/**
 * Separable convolution of a `width × height` plane with `channels` interleaved channels by `kernel` along x, then
 * along y, in float64. Borders replicate the edge pixel (clamp-to-edge).
 */
export function convolveSeparable(src: ArrayLike<number>, width: number, height: number, channels: number, kernel: Float64Array): Float64Array {
  const r = (kernel.length - 1) / 2;
  const tmp = new Float64Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        let s = 0;
        for (let k = -r; k <= r; k++) {
          const xx = x + k < 0 ? 0 : x + k >= width ? width - 1 : x + k;
          s += src[(row + xx) * channels + c]! * kernel[k + r]!;
        }
        tmp[(row + x) * channels + c] = s;
      }
    }
  }
  const out = new Float64Array(tmp.length);
  const stride = width * channels;
  for (let y = 0; y < height; y++) {
    for (let k = -r; k <= r; k++) {
      const yy = y + k < 0 ? 0 : y + k >= height ? height - 1 : y + k;
      const w = kernel[k + r]!;
      const from = yy * stride;
      const to = y * stride;
      for (let i = 0; i < stride; i++) out[to + i] = out[to + i]! + tmp[from + i]! * w;
    }
  }
  return out;
}

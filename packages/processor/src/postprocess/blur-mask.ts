import { checkMask } from '../mask/mask.js';
import type { Mask, SoftMask } from '../mask/mask.js';
import { convolveSeparable, gaussianKernel } from './gaussian.js';

/** Options of {@link blurMask}. */
export interface BlurOptions {
  /** Kernel radius in pixels; default `ceil(3 * sigma)`. */
  readonly radius?: number;
}

/**
 * Gaussian blur of a mask (soft or binary; the result is soft): a separable, normalised kernel
 * `exp(-x² / 2σ²)` over `[-radius, radius]`, computed in float64 and stored as float32, borders clamped to the edge
 * pixel. `sigma` 0 copies. Useful to feather a thresholded mask before compositing.
 *
 * @throws {@link ProcessorError} `PROCESSOR_INVALID_ARGUMENT` for a negative sigma or bad radius, and as
 *   {@link checkMask}
 */
export function blurMask(mask: Mask, sigma: number, options: BlurOptions = {}): SoftMask {
  checkMask(mask);
  const kernel = gaussianKernel(sigma, options.radius);
  return { width: mask.width, height: mask.height, data: Float32Array.from(convolveSeparable(mask.data, mask.width, mask.height, 1, kernel)) };
}

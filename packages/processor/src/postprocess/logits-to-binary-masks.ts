import type { ImageSize, Tensor } from '@clipseg/core';
import type { BinaryMask } from '../mask/mask.js';
import { resizedLogits } from './logits.js';
import { checkProbabilityThreshold } from './threshold.js';

/** Options of {@link logitsToBinaryMasks}. */
export interface LogitsToBinaryMasksOptions {
  /** Size of each output mask (one for all, or one per mask); default the logits' own size. */
  readonly size?: ImageSize | readonly ImageSize[];
  /** Shape of a bare `Float32Array` of logits (`[height, width]`); without it the array must be square. */
  readonly logitsSize?: ImageSize;
  /** Probability threshold in [0, 1] (default 0.5): a pixel is 1 where its sigmoid is strictly greater. */
  readonly threshold?: number;
}

/** `float32(sigmoid(x)) > threshold`, exactly as `thresholdMask(logitsToMasks(…))` decides one pixel. */
const sigmoidAbove = (x: number, threshold: number): boolean => Math.fround(1 / (1 + Math.exp(-x))) > threshold;

/**
 * The logit interval outside of which `sigmoidAbove` is decided by comparing the logit alone: below `low` it is
 * false, above `high` true. Found by bisection on the float32-rounded sigmoid itself (so it accounts for rounding
 * near 0 and 1), then widened by a margin so that any non-monotonic rounding step of `Math.exp` near the boundary
 * falls inside, where each value is decided by the exact test.
 */
function logitBand(threshold: number): { low: number; high: number } {
  const limit = 200; // beyond ±104 the float32 sigmoid is 0 or 1
  if (sigmoidAbove(-limit, threshold)) return { low: -Infinity, high: -Infinity };
  if (!sigmoidAbove(limit, threshold)) return { low: Infinity, high: Infinity };
  let lo = -limit;
  let hi = limit;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, Math.abs(lo)); i++) {
    const mid = (lo + hi) / 2;
    if (sigmoidAbove(mid, threshold)) hi = mid;
    else lo = mid;
  }
  const margin = 1e-6 * Math.max(1, Math.abs(lo));
  return { low: lo - margin, high: hi + margin };
}

/**
 * Binary masks straight from CLIPSeg logits: the same result as
 * `logitsToMasks(logits, { size }).map((m) => thresholdMask(m, threshold))` — resize the logits (PyTorch's
 * bilinear), sigmoid, keep what is strictly above `threshold` — without computing a sigmoid per pixel: the sigmoid
 * is monotonic, so each resized logit is compared with the threshold's logit, and only values within a hair of it
 * take the exact float32 sigmoid test.
 *
 * @param logits - `[H, W]`, `[N, H, W]` or `[N, 1, H, W]` float32 tensor, or a bare `Float32Array` `[H, W]`
 * @throws {@link ProcessorError} `PROCESSOR_INVALID_ARGUMENT` for a threshold outside [0, 1] or a bad size,
 *   `PROCESSOR_INVALID_SHAPE` for an unreadable shape or a size list of the wrong length
 */
export function logitsToBinaryMasks(logits: Tensor | Float32Array, options: LogitsToBinaryMasksOptions = {}): BinaryMask[] {
  const threshold = options.threshold ?? 0.5;
  checkProbabilityThreshold(threshold);
  const { low, high } = logitBand(threshold);
  return resizedLogits(logits, options).map(({ resized }) => {
    const src = resized.data;
    const out = new Uint8Array(src.length);
    for (let i = 0; i < src.length; i++) {
      const x = src[i]!;
      // NaN fails every comparison, as in thresholdMask.
      out[i] = x > high ? 1 : x < low || !(x === x) ? 0 : sigmoidAbove(x, threshold) ? 1 : 0;
    }
    return { width: resized.width, height: resized.height, data: out };
  });
}

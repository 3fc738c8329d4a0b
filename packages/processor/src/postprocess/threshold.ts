import { ProcessorError } from '../errors.js';
import { checkMask } from '../mask/mask.js';
import type { BinaryMask, SoftMask } from '../mask/mask.js';

/**
 * Throws `PROCESSOR_INVALID_ARGUMENT` unless `threshold` is a number in [0, 1] (a probability).
 * @internal
 */
export function checkProbabilityThreshold(threshold: unknown): asserts threshold is number {
  if (typeof threshold !== 'number' || !(threshold >= 0 && threshold <= 1)) {
    throw new ProcessorError(
      'PROCESSOR_INVALID_ARGUMENT',
      `threshold must be a number in [0, 1] (a probability), got ${String(threshold)}. For raw logits, use logit(p) = ln(p / (1 - p)) on sigmoid outputs instead.`,
      { details: { threshold } },
    );
  }
}

/**
 * Binarises a soft mask: 1 where the value is **strictly greater** than `threshold`, else 0 (NaN gives 0).
 *
 * @param threshold - in [0, 1] for probabilities (0.5 is the neutral choice; CLIPSeg masks are often cut lower,
 *   around 0.3–0.4)
 * @throws {@link ProcessorError} `PROCESSOR_INVALID_ARGUMENT` for a threshold outside [0, 1] or not finite, and
 *   as {@link checkMask}
 */
export function thresholdMask(mask: SoftMask, threshold = 0.5): BinaryMask {
  checkMask(mask);
  checkProbabilityThreshold(threshold);
  const src = mask.data;
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = src[i]! > threshold ? 1 : 0;
  return { width: mask.width, height: mask.height, data: out };
}

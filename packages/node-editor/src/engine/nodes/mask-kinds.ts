import { isBinaryMask, thresholdMask, toSoftMask, type BinaryMask, type Mask, type SoftMask } from '@clipseg/processor';
import { NodeEditorError } from '../errors.js';

/** `mask` as a binary mask: binary masks pass through, soft masks are thresholded at `threshold`. */
export function asBinary(mask: Mask, threshold = 0.5): BinaryMask {
  return isBinaryMask(mask) ? mask : thresholdMask(mask, threshold);
}

/** `mask` as a soft mask (binary 0/1 become 0.0/1.0). */
export function asSoft(mask: Mask): SoftMask {
  return isBinaryMask(mask) ? toSoftMask(mask) : mask;
}

/** Throws `WORKFLOW_CONTROL_INVALID`-free size error: a mask and an image (or two masks) of different sizes. */
export function checkSizes(a: { width: number; height: number }, b: { width: number; height: number }, what: string): void {
  if (a.width !== b.width || a.height !== b.height) {
    throw new NodeEditorError(
      'WORKFLOW_NODE_FAILED',
      `${what}: sizes differ (${a.width}×${a.height} vs ${b.width}×${b.height}); insert a "Resize to image" node first.`,
      { details: { a: [a.width, a.height], b: [b.width, b.height] } },
    );
  }
}

/** Fraction of a mask's pixels at or above 0.5. */
export function coverage(mask: Mask): number {
  let n = 0;
  for (let i = 0; i < mask.data.length; i++) if (mask.data[i]! >= 0.5) n++;
  return mask.data.length === 0 ? 0 : n / mask.data.length;
}

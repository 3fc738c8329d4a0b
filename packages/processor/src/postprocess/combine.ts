import { ProcessorError } from '../errors.js';
import { checkMask, checkSameSize, isBinaryMask } from '../mask/mask.js';
import type { Mask } from '../mask/mask.js';

/** How {@link combineMasks} merges two masks: `union` max(a, b), `intersection` min(a, b), `difference` a·(1 − b). */
export type CombineOperation = 'union' | 'intersection' | 'difference';

/**
 * Combines two masks of the same size and kind, pixel by pixel: `union` is max(a, b), `intersection` min(a, b),
 * `difference` a × (1 − b). For binary masks these are OR, AND and AND-NOT; soft masks stay soft (float32).
 *
 * @throws {@link ProcessorError} `PROCESSOR_SIZE_MISMATCH` for different sizes, `PROCESSOR_INVALID_ARGUMENT` for a
 *   soft and a binary mask together or an unknown operation
 */
export function combineMasks<M extends Mask>(a: M, b: M, operation: CombineOperation): M {
  checkMask(a, 'a');
  checkMask(b, 'b');
  checkSameSize(a, b, `combineMasks(${operation})`);
  if (isBinaryMask(a) !== isBinaryMask(b)) {
    throw new ProcessorError('PROCESSOR_INVALID_ARGUMENT', 'combineMasks needs two soft masks or two binary masks; convert one (toSoftMask or thresholdMask).');
  }
  const op = (
    {
      union: (x: number, y: number) => (x > y ? x : y),
      intersection: (x: number, y: number) => (x < y ? x : y),
      difference: (x: number, y: number) => x * (1 - y),
    } as const
  )[operation];
  if (op === undefined) {
    throw new ProcessorError('PROCESSOR_INVALID_ARGUMENT', `operation must be 'union', 'intersection' or 'difference', got ${JSON.stringify(operation)}.`);
  }
  const out = new (a.data.constructor as new (n: number) => Float32Array | Uint8Array)(a.data.length);
  for (let i = 0; i < out.length; i++) out[i] = op(a.data[i]!, b.data[i]!);
  return { width: a.width, height: a.height, data: out } as M;
}

/**
 * Inverts a mask: 1 − x per pixel (binary 0 ↔ 1).
 * @throws {@link ProcessorError} as {@link checkMask}
 */
export function invertMask<M extends Mask>(mask: M): M {
  checkMask(mask);
  const out = new (mask.data.constructor as new (n: number) => Float32Array | Uint8Array)(mask.data.length);
  for (let i = 0; i < out.length; i++) out[i] = 1 - mask.data[i]!;
  return { width: mask.width, height: mask.height, data: out } as M;
}

/**
 * Suppresses what negative prompts matched: `mask × (1 − negative)`. Several negatives are first merged by union
 * (their per-pixel maximum), so a pixel is suppressed as much as the strongest negative says. Typical use: masks of
 * "a cat" minus masks of "a dog" from the same CLIPSeg batch.
 *
 * @throws {@link ProcessorError} as {@link combineMasks}; `PROCESSOR_EMPTY_BATCH` for an empty list of negatives
 */
export function applyNegativeMasks<M extends Mask>(mask: M, negatives: M | readonly M[]): M {
  const list = (Array.isArray(negatives) ? negatives : [negatives]) as readonly M[];
  if (list.length === 0) throw new ProcessorError('PROCESSOR_EMPTY_BATCH', 'applyNegativeMasks needs at least one negative mask.');
  const negative = list.reduce((acc, m) => combineMasks(acc, m, 'union'));
  return combineMasks(mask, negative, 'difference');
}

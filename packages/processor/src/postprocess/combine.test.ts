import { describe, expect, it } from 'vitest';
import { ProcessorError } from '../errors.js';
import type { BinaryMask, SoftMask } from '../mask/mask.js';
import { applyNegativeMasks, combineMasks, invertMask } from './combine.js';

const soft = (...values: number[]): SoftMask => ({ width: values.length, height: 1, data: Float32Array.from(values) });
const bin = (...values: number[]): BinaryMask => ({ width: values.length, height: 1, data: Uint8Array.from(values) });

describe('combineMasks, invertMask, applyNegativeMasks', () => {
  it('union = max, intersection = min, difference = a · (1 − b) on soft masks', () => {
    const a = soft(0.2, 0.8, 0.5);
    const b = soft(0.6, 0.4, 1);
    expect([...combineMasks(a, b, 'union').data]).toEqual([0.6, 0.8, 1].map(Math.fround));
    expect([...combineMasks(a, b, 'intersection').data]).toEqual([0.2, 0.4, 0.5].map(Math.fround));
    const f = Math.fround;
    expect([...combineMasks(a, b, 'difference').data]).toEqual([f(f(0.2) * (1 - f(0.6))), f(f(0.8) * (1 - f(0.4))), 0]);
  });

  it('are OR, AND and AND-NOT on binary masks, which stay binary', () => {
    const a = bin(0, 0, 1, 1);
    const b = bin(0, 1, 0, 1);
    const union = combineMasks(a, b, 'union');
    expect(union.data).toBeInstanceOf(Uint8Array);
    expect([...union.data]).toEqual([0, 1, 1, 1]);
    expect([...combineMasks(a, b, 'intersection').data]).toEqual([0, 0, 0, 1]);
    expect([...combineMasks(a, b, 'difference').data]).toEqual([0, 0, 1, 0]);
    expect([...invertMask(a).data]).toEqual([1, 1, 0, 0]);
    expect([...invertMask(soft(0.25)).data]).toEqual([0.75]);
  });

  it('negative prompts: mask × (1 − max of the negatives)', () => {
    const out = applyNegativeMasks(soft(1, 1, 0.5), [soft(0.5, 0, 0), soft(0.25, 0.75, 0)]);
    expect([...out.data]).toEqual([0.5, 0.25, 0.5]);
    expect([...applyNegativeMasks(bin(1, 1), bin(0, 1)).data]).toEqual([1, 0]);
  });

  it('throws typed errors for mismatched sizes, mixed kinds and unknown operations', () => {
    expect(() => combineMasks(soft(1, 2), soft(1), 'union')).toThrow(expect.objectContaining({ code: 'PROCESSOR_SIZE_MISMATCH' }) as unknown as Error);
    expect(() => combineMasks(soft(1) as never, bin(1) as never, 'union')).toThrow(ProcessorError);
    expect(() => combineMasks(soft(1), soft(1), 'xor' as 'union')).toThrow(ProcessorError);
    expect(() => applyNegativeMasks(soft(1), [])).toThrow(expect.objectContaining({ code: 'PROCESSOR_EMPTY_BATCH' }) as unknown as Error);
    expect(() => invertMask(bin(2))).toThrow(expect.objectContaining({ code: 'PROCESSOR_INVALID_SHAPE' }) as unknown as Error);
  });
});

import { createTensor } from '@clipseg/core';
import { describe, expect, it } from 'vitest';
import { ProcessorError } from '../errors.js';
import { logitsToMasks, sigmoid } from './logits.js';
import { resizeMask } from './resize-mask.js';

describe('sigmoid and logitsToMasks', () => {
  it('sigmoid is 1 / (1 + e^-x) in float32', () => {
    const out = sigmoid(new Float32Array([0, 2, -2, 100, -100]));
    expect(out[0]).toBe(0.5);
    expect(out[1]).toBe(Math.fround(1 / (1 + Math.exp(-2))));
    expect(out[1]! + out[2]!).toBeCloseTo(1, 7);
    expect([out[3], out[4]]).toEqual([1, Math.fround(1 / (1 + Math.exp(100)))]);
  });

  it('reads [H, W], [N, H, W] and [N, 1, H, W] tensors and square Float32Arrays', () => {
    const data = Float32Array.from({ length: 2 * 3 * 4 }, (_, i) => i - 12);
    const nhw = logitsToMasks(createTensor('float32', [2, 3, 4], data));
    expect(nhw.map((m) => [m.width, m.height])).toEqual([
      [4, 3],
      [4, 3],
    ]);
    expect(nhw[1]!.data[0]).toBe(Math.fround(1 / (1 + Math.exp(0))));
    expect(logitsToMasks(createTensor('float32', [2, 1, 3, 4], data))).toHaveLength(2);
    expect(logitsToMasks(createTensor('float32', [3, 8], data))).toHaveLength(1);
    const square = logitsToMasks(new Float32Array(16));
    expect([square[0]!.width, square[0]!.height]).toEqual([4, 4]);
    const sized = logitsToMasks(data, { logitsSize: { width: 6, height: 4 }, sigmoid: false });
    expect([...sized[0]!.data]).toEqual([...data]);
    expect(sized[0]!.data).not.toBe(data);
  });

  it('resizes the logits first, then applies the sigmoid (as HF examples do)', () => {
    const logits = new Float32Array([-4, 4, 4, -4]);
    const [mask] = logitsToMasks(logits, { size: { width: 5, height: 3 } });
    const expected = sigmoid(resizeMask({ width: 2, height: 2, data: logits }, { width: 5, height: 3 }).data);
    expect([mask!.width, mask!.height]).toEqual([5, 3]);
    expect([...mask!.data]).toEqual([...expected]);
    const perMask = logitsToMasks(createTensor('float32', [2, 2, 2], new Float32Array(8)), {
      size: [
        { width: 3, height: 3 },
        { width: 1, height: 7 },
      ],
    });
    expect(perMask.map((m) => [m.width, m.height])).toEqual([
      [3, 3],
      [1, 7],
    ]);
  });

  it('throws PROCESSOR_INVALID_SHAPE for unreadable shapes', () => {
    const code = (fn: () => unknown): string => {
      try {
        fn();
      } catch (error) {
        expect(error).toBeInstanceOf(ProcessorError);
        return (error as ProcessorError).code;
      }
      return 'none';
    };
    expect(code(() => logitsToMasks(new Float32Array(12)))).toBe('PROCESSOR_INVALID_SHAPE');
    expect(code(() => logitsToMasks(new Float32Array(12), { logitsSize: { width: 5, height: 2 } }))).toBe('PROCESSOR_INVALID_SHAPE');
    expect(code(() => logitsToMasks(createTensor('float32', [2, 2, 1, 3], new Float32Array(12))))).toBe('PROCESSOR_INVALID_SHAPE');
    expect(code(() => logitsToMasks(createTensor('int32', [2, 2], new Int32Array(4)) as never))).toBe('PROCESSOR_INVALID_SHAPE');
    expect(code(() => logitsToMasks(createTensor('float32', [2, 2, 2]), { size: [{ width: 1, height: 1 }] }))).toBe('PROCESSOR_INVALID_SHAPE');
    expect(code(() => logitsToMasks(createTensor('float32', [2, 2]), { size: { width: 0, height: 1 } }))).toBe('PROCESSOR_INVALID_ARGUMENT');
  });
});

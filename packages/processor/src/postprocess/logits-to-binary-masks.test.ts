import { createTensor } from '@clipseg/core';
import { describe, expect, it } from 'vitest';
import { logitsToMasks } from './logits.js';
import { logitsToBinaryMasks } from './logits-to-binary-masks.js';
import { thresholdMask } from './threshold.js';

/** Deterministic values spread over [-scale, scale], plus values at and around each threshold's logit. */
function logitsAround(thresholds: readonly number[], count: number, scale: number): Float32Array {
  const values: number[] = [];
  let seed = 12345;
  for (let i = 0; i < count; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    values.push((seed / 2147483648 - 0.5) * 2 * scale);
  }
  for (const t of thresholds) {
    const x = Math.log(t / (1 - t));
    if (!Number.isFinite(x)) continue;
    let v = Math.fround(x);
    for (let k = 0; k < 200; k++) v = Math.fround(v - Math.max(Math.abs(v) * 2 ** -23, 2 ** -140));
    for (let k = 0; k < 400; k++) {
      values.push(v);
      v = Math.fround(v + Math.max(Math.abs(v) * 2 ** -23, 2 ** -140));
    }
  }
  values.push(NaN, Infinity, -Infinity, 0, -0, 103.9, -103.9, 110, -110, 17.3, 16.6, -17.3);
  return Float32Array.from(values);
}

const THRESHOLDS = [0, 1e-30, 1e-9, 0.1, 0.3, 0.4, 0.5, 0.5000001, 0.7, 0.9, 0.999999, 1 - 2 ** -24, 1 - 1e-9, 1];

describe('logitsToBinaryMasks', () => {
  it.each(THRESHOLDS)('decides every value as thresholdMask(sigmoid) does, at threshold %s', (threshold) => {
    const data = logitsAround(THRESHOLDS, 20000, 40);
    const expected = thresholdMask(logitsToMasks(data, { logitsSize: { width: data.length, height: 1 } })[0]!, threshold);
    const [actual] = logitsToBinaryMasks(data, { logitsSize: { width: data.length, height: 1 }, threshold });
    expect(actual!.data).toEqual(expected.data);
  });

  it('resizes like logitsToMasks, one mask per map, at one size or one per map', () => {
    const logits = createTensor('float32', [2, 22, 22], Float32Array.from({ length: 2 * 22 * 22 }, (_, i) => Math.sin(i / 7) * 3));
    const sizes = [
      { width: 64, height: 48 },
      { width: 30, height: 50 },
    ];
    const masks = logitsToBinaryMasks(logits, { size: sizes, threshold: 0.4 });
    const expected = logitsToMasks(logits, { size: sizes }).map((m) => thresholdMask(m, 0.4));
    expect(masks).toEqual(expected);
    expect(logitsToBinaryMasks(logits, { size: sizes[0] }).map((m) => [m.width, m.height])).toEqual([
      [64, 48],
      [64, 48],
    ]);
  });

  it('refuses a bad threshold and a bad shape with typed errors', () => {
    const logits = new Float32Array(16);
    expect(() => logitsToBinaryMasks(logits, { threshold: 1.5 })).toThrowError(expect.objectContaining({ code: 'PROCESSOR_INVALID_ARGUMENT' }));
    expect(() => logitsToBinaryMasks(logits, { threshold: Number.NaN })).toThrowError(expect.objectContaining({ code: 'PROCESSOR_INVALID_ARGUMENT' }));
    expect(() => logitsToBinaryMasks(new Float32Array(15))).toThrowError(expect.objectContaining({ code: 'PROCESSOR_INVALID_SHAPE' }));
    expect(() => logitsToBinaryMasks(createTensor('float32', [2, 4, 4]), { size: [{ width: 2, height: 2 }] })).toThrowError(expect.objectContaining({ code: 'PROCESSOR_INVALID_SHAPE' }));
  });
});

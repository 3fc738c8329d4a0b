import { describe, expect, it } from 'vitest';
import { ProcessorError } from '../errors.js';
import { blurMask } from './blur-mask.js';
import { gaussianKernel } from './gaussian.js';
import { thresholdMask } from './threshold.js';

describe('thresholdMask', () => {
  it('is strict: 1 where value > threshold', () => {
    const out = thresholdMask({ width: 5, height: 1, data: new Float32Array([0, 0.4, 0.5, 0.6, NaN]) }, 0.5);
    expect([...out.data]).toEqual([0, 0, 0, 1, 0]);
    expect([...thresholdMask({ width: 2, height: 1, data: new Float32Array([0, 0.01]) }, 0).data]).toEqual([0, 1]);
  });

  it('rejects thresholds outside [0, 1]', () => {
    const mask = { width: 1, height: 1, data: new Float32Array(1) };
    for (const t of [-0.1, 1.5, NaN, Infinity]) {
      expect(() => thresholdMask(mask, t)).toThrow(expect.objectContaining({ code: 'PROCESSOR_INVALID_ARGUMENT' }) as unknown as ProcessorError);
    }
  });
});

describe('gaussianKernel and blurMask', () => {
  it('builds a normalised symmetric kernel with radius ceil(3σ)', () => {
    const k = gaussianKernel(1);
    expect(k.length).toBe(7);
    expect(k.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(k[2]).toBeCloseTo(k[4]!, 15);
    expect(k[3]! / k[4]!).toBeCloseTo(Math.exp(0.5), 12);
    expect([...gaussianKernel(0)]).toEqual([0, 1, 0]);
    expect(gaussianKernel(2, 2).length).toBe(5);
    expect(() => gaussianKernel(-1)).toThrow(ProcessorError);
    expect(() => gaussianKernel(1, 1.5)).toThrow(ProcessorError);
  });

  it('spreads an impulse as the outer product of the kernel and keeps constants constant', () => {
    const data = new Uint8Array(81);
    data[40] = 1;
    const out = blurMask({ width: 9, height: 9, data }, 1);
    const k = gaussianKernel(1);
    expect(out.data[40]).toBeCloseTo(k[3]! * k[3]!, 6);
    expect(out.data[41]).toBeCloseTo(k[3]! * k[4]!, 6);
    expect(out.data.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    const flat = blurMask({ width: 4, height: 3, data: new Float32Array(12).fill(0.25) }, 3);
    expect(flat.data.every((v) => Math.abs(v - 0.25) < 1e-6)).toBe(true);
  });
});

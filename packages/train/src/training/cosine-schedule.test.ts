import { describe, expect, it } from 'vitest';
import { cosineLearningRate } from './cosine-schedule.js';

describe('cosineLearningRate', () => {
  it('goes from 1e-3 to 1e-4 along half a cosine, as CosineAnnealingLR', () => {
    expect(cosineLearningRate(0, 100)).toBeCloseTo(1e-3, 15);
    expect(cosineLearningRate(50, 100)).toBeCloseTo(5.5e-4, 15);
    expect(cosineLearningRate(25, 100)).toBeCloseTo(1e-4 + 9e-4 * (1 + Math.SQRT1_2) / 2, 15);
    expect(cosineLearningRate(100, 100)).toBe(1e-4);
    expect(cosineLearningRate(150, 100)).toBe(1e-4);
  });

  it('takes other bounds', () => {
    expect(cosineLearningRate(0, 10, 2, 1)).toBe(2);
    expect(cosineLearningRate(5, 10, 2, 1)).toBeCloseTo(1.5, 12);
  });
});

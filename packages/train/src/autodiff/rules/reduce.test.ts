import { describe, expect, it } from 'vitest';
import { checkGradients, worstError } from '../../../test/gradient-check.js';

const TOL = 1e-7;

describe('reduction gradients (float64 finite differences)', () => {
  for (const keepdims of [0, 1]) {
    it(`ReduceSum over axes [0, 2], keepdims ${keepdims}`, async () => {
      const report = await checkGradients({
        forward: (g, x) => g.op('ReduceSum', [x['x']!, g.constInt64([0, 2])], { keepdims }),
        inputs: { x: { dims: [2, 3, 4] } },
        outputDims: keepdims === 1 ? [1, 3, 1] : [3],
      });
      expect(worstError(`ReduceSum keepdims ${keepdims}`, report)).toBeLessThan(TOL);
    });
    it(`ReduceMean over axis -1, keepdims ${keepdims}`, async () => {
      const report = await checkGradients({
        forward: (g, x) => g.op('ReduceMean', [x['x']!], { axes: [-1], keepdims }),
        inputs: { x: { dims: [2, 3, 4] } },
        outputDims: keepdims === 1 ? [2, 3, 1] : [2, 3],
      });
      expect(worstError(`ReduceMean keepdims ${keepdims}`, report)).toBeLessThan(TOL);
    });
  }
  it('ReduceSum and ReduceMean over every axis', async () => {
    const report = await checkGradients({
      forward: (g, x) => g.op('Add', [g.op('ReduceSum', [x['x']!], { keepdims: 0 }), g.op('ReduceMean', [x['x']!], { keepdims: 0 })]),
      inputs: { x: { dims: [2, 3] } },
      outputDims: [],
    });
    expect(worstError('Reduce all', report)).toBeLessThan(TOL);
  });
});

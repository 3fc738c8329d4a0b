import { describe, expect, it } from 'vitest';
import { checkGradients, worstError } from '../../../test/gradient-check.js';

const TOL = 1e-7;

describe('Where, Max, Min, Pow, Cast, Split gradients (float64 finite differences)', () => {
  it('Where with broadcast operands', async () => {
    const report = await checkGradients({
      forward: (g, p) => g.op('Where', [g.op('Greater', [p['c']!, g.constFloat32([0], [])]), p['a']!, p['b']!]),
      inputs: { c: { dims: [2, 3] }, a: { dims: [2, 3] }, b: { dims: [3] } },
      outputDims: [2, 3],
      wrt: ['a', 'b'],
    });
    expect(worstError('Where', report)).toBeLessThan(TOL);
  });
  for (const op of ['Max', 'Min']) {
    it(`${op} of two inputs (no ties)`, async () => {
      const report = await checkGradients({
        forward: (g, p) => g.op(op, [p['a']!, p['b']!]),
        inputs: { a: { dims: [2, 3], values: [0.1, -1, 2, 0.5, 3, -2] }, b: { dims: [2, 3], values: [1, -2, 1.5, -0.5, 3.5, -1] } },
        outputDims: [2, 3],
      });
      expect(worstError(op, report)).toBeLessThan(TOL);
    });
  }
  it('Pow with a positive base and a broadcast exponent', async () => {
    const report = await checkGradients({
      forward: (g, p) => g.op('Pow', [p['a']!, p['b']!]),
      inputs: { a: { dims: [2, 3], values: [0.5, 1.2, 2, 0.8, 1.7, 3] }, b: { dims: [3], values: [2, -0.5, 1.5] } },
      outputDims: [2, 3],
    });
    expect(worstError('Pow', report)).toBeLessThan(TOL);
  });
  it('Cast to the same float type', async () => {
    const report = await checkGradients({ forward: (g, p) => g.op('Cast', [p['x']!], { to: 1 }), inputs: { x: { dims: [4] } }, outputDims: [4] });
    expect(worstError('Cast', report)).toBeLessThan(TOL);
  });
  it('Split into sizes [1, 2, 1], the middle output unused', async () => {
    const report = await checkGradients({
      forward: (g, p) => {
        const [first, , last] = g.opN('Split', [p['x']!, g.constInt64([1, 2, 1])], 3, { axis: 1 });
        return g.op('Mul', [first!, last!]);
      },
      inputs: { x: { dims: [2, 4, 3] } },
      outputDims: [2, 1, 3],
    });
    expect(worstError('Split', report)).toBeLessThan(TOL);
  });
});

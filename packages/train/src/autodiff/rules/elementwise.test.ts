import { describe, expect, it } from 'vitest';
import { checkGradients, worstError } from '../../../test/gradient-check.js';

/** float64 central differences with step 1e-6 are exact to ~1e-9 on these O(1) values. */
const TOL = 1e-7;

describe('elementwise gradients (float64 finite differences)', () => {
  for (const op of ['Add', 'Sub', 'Mul', 'Div'] as const) {
    it(`${op} with broadcasting on both sides`, async () => {
      const report = await checkGradients({
        forward: (g, x) => g.op(op, [x['a']!, x['b']!]),
        inputs: { a: { dims: [2, 1, 4] }, b: op === 'Div' ? { dims: [3, 1], values: [1.5, -2, 2.5] } : { dims: [3, 1] } },
        outputDims: [2, 3, 4],
      });
      expect(worstError(op, report)).toBeLessThan(TOL);
    });
  }
  it('Mul of intermediate tensors (broadcast axes found at run time) and of inputs with symbolic dims', async () => {
    const report = await checkGradients({
      forward: (g, x) => g.op('Mul', [g.op('Tanh', [x['a']!]), g.op('Add', [g.op('Tanh', [x['b']!]), x['c']!])]),
      inputs: { a: { dims: [2, 1, 4] }, b: { dims: [3, 1] }, c: { dims: [1] } },
      outputDims: [2, 3, 4],
      symbolic: ['a'],
    });
    expect(worstError('Mul dynamic', report)).toBeLessThan(TOL);
  });
  it('Neg, and a tensor used several times (x · x − x) accumulates', async () => {
    const report = await checkGradients({
      forward: (g, x) => g.op('Neg', [g.op('Sub', [g.op('Mul', [x['x']!, x['x']!]), x['x']!])]),
      inputs: { x: { dims: [3, 2] } },
      outputDims: [3, 2],
    });
    expect(worstError('Neg', report)).toBeLessThan(TOL);
  });
  it('catches a wrong rule (Sub without the negation of its second cotangent)', async () => {
    const report = await checkGradients({
      forward: (g, x) => g.op('Sub', [x['a']!, x['b']!]),
      inputs: { a: { dims: [2, 3] }, b: { dims: [2, 3] } },
      outputDims: [2, 3],
      rules: { Sub: (node, dy) => [dy[0], dy[0]] },
    });
    expect(report.maxError['a']).toBeLessThan(TOL);
    expect(report.maxError['b']).toBeGreaterThan(0.1);
  });
});

import { describe, expect, it } from 'vitest';
import { checkGradients, worstError } from '../../../test/gradient-check.js';
import type { GradRule } from '../grad-context.js';
import { firstCotangent } from '../grad-context.js';

const TOL = 1e-7;

describe('MatMul gradient (float64 finite differences)', () => {
  it('2-D · 2-D', async () => {
    const report = await checkGradients({ forward: (g, x) => g.op('MatMul', [x['a']!, x['b']!]), inputs: { a: { dims: [3, 4] }, b: { dims: [4, 2] } }, outputDims: [3, 2] });
    expect(worstError('MatMul 2D', report)).toBeLessThan(TOL);
  });
  it('batched 3-D · 2-D weight (a linear layer: the weight gradient sums over the batch)', async () => {
    const report = await checkGradients({ forward: (g, x) => g.op('MatMul', [x['a']!, x['w']!]), inputs: { a: { dims: [2, 3, 4] }, w: { dims: [4, 5] } }, outputDims: [2, 3, 5] });
    expect(worstError('MatMul linear', report)).toBeLessThan(TOL);
  });
  it('batched 3-D · 2-D weight with symbolic dims (the flattened weight gradient reads the widths at run time)', async () => {
    const report = await checkGradients({ forward: (g, x) => g.op('MatMul', [x['a']!, x['w']!]), inputs: { a: { dims: [2, 3, 4] }, w: { dims: [4, 5] } }, outputDims: [2, 3, 5], symbolic: ['a', 'w'] });
    expect(worstError('MatMul linear symbolic', report)).toBeLessThan(TOL);
  });
  it('4-D with a broadcast batch dim on each side', async () => {
    const report = await checkGradients({ forward: (g, x) => g.op('MatMul', [x['a']!, x['b']!]), inputs: { a: { dims: [2, 1, 3, 2] }, b: { dims: [1, 3, 2, 2] } }, outputDims: [2, 3, 3, 2] });
    expect(worstError('MatMul 4D', report)).toBeLessThan(TOL);
  });
  it('catches a rule that forgets to transpose B (square matrices, so shapes still fit)', async () => {
    const wrong: GradRule = (node, dy, ctx) => {
      const d = firstCotangent(node, dy);
      const [a, b] = node.inputs as [string, string];
      return [ctx.g.op('MatMul', [d, b]), ctx.g.op('MatMul', [ctx.transposeLast2(a, 2), d])];
    };
    const report = await checkGradients({ forward: (g, x) => g.op('MatMul', [x['a']!, x['b']!]), inputs: { a: { dims: [3, 3] }, b: { dims: [3, 3] } }, outputDims: [3, 3], rules: { MatMul: wrong } });
    expect(report.maxError['b']).toBeLessThan(TOL);
    expect(report.maxError['a']).toBeGreaterThan(0.1);
  });
});

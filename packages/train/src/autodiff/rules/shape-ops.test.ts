import { describe, expect, it } from 'vitest';
import { checkGradients, worstError } from '../../../test/gradient-check.js';

const TOL = 1e-7;

describe('shape-op gradients (float64 finite differences)', () => {
  it('Reshape', async () => {
    const report = await checkGradients({ forward: (g, x) => g.op('Reshape', [x['x']!, g.constInt64([0, 3, 2])]), inputs: { x: { dims: [2, 6] } }, outputDims: [2, 3, 2] });
    expect(worstError('Reshape', report)).toBeLessThan(TOL);
  });
  it('Transpose with a perm and with the default (reversed) perm', async () => {
    const report = await checkGradients({
      forward: (g, x) => g.op('Add', [g.op('Transpose', [x['x']!], { perm: [1, 2, 0] }), g.op('Transpose', [x['y']!])]),
      inputs: { x: { dims: [2, 3, 4] }, y: { dims: [2, 4, 3] } },
      outputDims: [3, 4, 2],
    });
    expect(worstError('Transpose', report)).toBeLessThan(TOL);
  });
  it('Unsqueeze, Squeeze and Flatten', async () => {
    const report = await checkGradients({
      forward: (g, x) => g.op('Flatten', [g.op('Squeeze', [g.op('Unsqueeze', [x['x']!, g.constInt64([0, 3])]), g.constInt64([0])])], { axis: 1 }),
      inputs: { x: { dims: [2, 3] } },
      outputDims: [2, 3],
    });
    expect(worstError('Unsqueeze/Squeeze/Flatten', report)).toBeLessThan(TOL);
  });
  it('Expand', async () => {
    const report = await checkGradients({ forward: (g, x) => g.op('Expand', [x['x']!, g.constInt64([2, 3, 4])]), inputs: { x: { dims: [3, 1] } }, outputDims: [2, 3, 4] });
    expect(worstError('Expand', report)).toBeLessThan(TOL);
  });
  it('Concat of three inputs along a middle axis', async () => {
    const report = await checkGradients({
      forward: (g, x) => g.op('Concat', [x['a']!, x['b']!, x['c']!], { axis: -2 }),
      inputs: { a: { dims: [2, 1, 3] }, b: { dims: [2, 2, 3] }, c: { dims: [2, 3, 3] } },
      outputDims: [2, 6, 3],
    });
    expect(worstError('Concat', report)).toBeLessThan(TOL);
  });
  it('Identity', async () => {
    const report = await checkGradients({ forward: (g, x) => g.op('Identity', [x['x']!]), inputs: { x: { dims: [4] } }, outputDims: [4] });
    expect(worstError('Identity', report)).toBeLessThan(TOL);
  });
});

import { describe, expect, it } from 'vitest';
import { checkGradients, worstError } from '../../../test/gradient-check.js';

const TOL = 1e-7;

describe('indexing gradients (float64 finite differences)', () => {
  it('Slice with axes and a step of 2', async () => {
    const report = await checkGradients({
      forward: (g, x) => g.op('Slice', [x['x']!, g.constInt64([0, 1]), g.constInt64([5, 3]), g.constInt64([2, 1]), g.constInt64([2, 1])]),
      inputs: { x: { dims: [2, 4, 5] } },
      outputDims: [2, 2, 3],
    });
    expect(worstError('Slice', report)).toBeLessThan(TOL);
  });
  it('Slice with negative starts (the decoder drops the CLS token like this)', async () => {
    const report = await checkGradients({
      forward: (g, x) => g.op('Slice', [x['x']!, g.constInt64([1]), g.constInt64([2 ** 31 - 1]), g.constInt64([1])]),
      inputs: { x: { dims: [2, 5, 3] } },
      outputDims: [2, 4, 3],
    });
    expect(worstError('Slice CLS', report)).toBeLessThan(TOL);
  });
  for (const withoutConstants of [false, true]) {
    it(`Slice with negative bounds on two axes, ${withoutConstants ? 'scattered back (bounds unknown while building)' : 'zero-padded back (Pad)'}`, async () => {
      const report = await checkGradients({
        forward: (g, x) => g.op('Slice', [x['x']!, g.constInt64([-4, 1]), g.constInt64([-1, 99]), g.constInt64([1, -1])]),
        inputs: { x: { dims: [2, 5, 3] } },
        outputDims: [2, 3, 2],
        withoutConstants,
      });
      expect(worstError('Slice negative bounds', report)).toBeLessThan(TOL);
    });
  }
  it('Gather along axis 0 (an embedding table) with repeated and negative indices', async () => {
    const report = await checkGradients({
      forward: (g, x) => g.op('Gather', [x['table']!, x['ids']!], { axis: 0 }),
      inputs: { table: { dims: [5, 3] }, ids: { dims: [2, 3], values: [4, 0, 4, -1, 2, 0], int64: true } },
      outputDims: [2, 3, 3],
      wrt: ['table'],
    });
    expect(worstError('Gather axis 0', report)).toBeLessThan(TOL);
  });
  it('GatherND with batch_dims 1 (the text encoder pools the EOS token like this)', async () => {
    const report = await checkGradients({
      forward: (g, x) => g.op('GatherND', [x['x']!, x['i']!], { batch_dims: 1 }),
      inputs: { x: { dims: [3, 4, 2] }, i: { dims: [3, 1], values: [3, 0, 3], int64: true } },
      outputDims: [3, 2],
      wrt: ['x'],
    });
    expect(worstError('GatherND', report)).toBeLessThan(TOL);
  });
  it('Gather with repeated indices sums their cotangents', async () => {
    const report = await checkGradients({
      forward: (g, x) => g.op('Gather', [x['x']!, x['i']!], { axis: 1 }),
      inputs: { x: { dims: [2, 4] }, i: { dims: [2, 2], values: [3, 0, 3, 3], int64: true } },
      outputDims: [2, 2, 2],
      wrt: ['x'],
    });
    expect(worstError('Gather', report)).toBeLessThan(TOL);
  });
});

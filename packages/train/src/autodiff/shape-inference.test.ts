import { GraphBuilder, writeModel } from '@clipseg/convert/graph';
import { describe, expect, it } from 'vitest';
import { checkGradients, worstError } from '../../test/gradient-check.js';
import { addGradients } from './differentiate.js';
import { GraphView } from './graph-view.js';
import { broadcastShapes, readInt64Constants } from './shape-inference.js';

/** An attention-like block: x [prompts, 5, 4] → + bias → heads → softmax scores → merged → tokens 1… + residual. */
function block(g: GraphBuilder): { out: string; names: Record<string, string> } {
  const x = g.input('x', 'float32', ['prompts', 5, 4]);
  const w = g.input('w', 'float32', [4, 4]);
  const bias = g.input('bias', 'float32', [4]);
  const h = g.op('Add', [g.op('MatMul', [x, w]), bias]);
  const heads = g.op('Transpose', [g.op('Reshape', [h, g.constInt64([0, 0, 2, 2])])], { perm: [0, 2, 1, 3] });
  const scores = g.op('Softmax', [g.op('MatMul', [heads, g.op('Transpose', [heads], { perm: [0, 1, 3, 2] })])], { axis: -1 });
  const merged = g.op('Reshape', [g.op('Transpose', [g.op('MatMul', [scores, heads])], { perm: [0, 2, 1, 3] }), g.constInt64([0, 0, 4])]);
  const tokens = g.op('Slice', [merged, g.constInt64([1]), g.constInt64([5]), g.constInt64([1])]);
  const residual = g.op('Slice', [x, g.constInt64([1]), g.constInt64([5]), g.constInt64([1])]);
  return { out: g.op('Add', [tokens, residual]), names: { x, w, bias, h, heads, scores, merged, tokens } };
}

describe('build-time shape inference', () => {
  it('broadcasts numbers, ones and symbolic dims', () => {
    expect(broadcastShapes([['p', 1, 4], [3, 4]])).toEqual(['p', 3, 4]);
    expect(broadcastShapes([['p', 3], ['p', 3]])).toEqual(['p', 3]);
    expect(broadcastShapes([['p', 3], ['q', 3]])).toEqual([undefined, 3]);
    expect(broadcastShapes([[2, 3], undefined])).toBeUndefined();
  });

  it('follows Reshape, Transpose, MatMul, Softmax and Slice with the constants, keeping symbolic dims', async () => {
    const g = new GraphBuilder('t');
    const { out, names } = block(g);
    const view = new GraphView(g, await readInt64Constants(g));
    expect(view.dims(names['h']!)).toEqual(['prompts', 5, 4]);
    expect(view.dims(names['heads']!)).toEqual(['prompts', 2, 5, 2]);
    expect(view.dims(names['scores']!)).toEqual(['prompts', 2, 5, 5]);
    expect(view.dims(names['merged']!)).toEqual(['prompts', 5, 4]);
    expect(view.dims(names['tokens']!)).toEqual(['prompts', 4, 4]);
    expect(view.dims(out)).toEqual(['prompts', 4, 4]);
    // Without the constants' values the ranks are still known, the Reshape's dims not.
    const blind = new GraphView(g);
    expect(blind.rank(names['merged']!)).toBe(3);
    expect(blind.dims(names['merged']!)).toBeUndefined();
  });

  it('decides un-broadcasting while building: no Shape/NonZero nodes, and the same gradients as at run time', async () => {
    const nonZeroNodes = async (withValues: boolean): Promise<number> => {
      const g = new GraphBuilder('t');
      const { out, names } = block(g);
      const loss = g.op('ReduceSum', [out], { keepdims: 0 });
      addGradients(g, { loss, wrt: [names['w']!, names['bias']!, names['x']!], ...(withValues ? { int64Values: await readInt64Constants(g) } : {}) });
      await writeModel(g);
      return (g.graphProto().node ?? []).filter((n) => n.opType === 'NonZero').length;
    };
    expect(await nonZeroNodes(true)).toBe(0);
    expect(await nonZeroNodes(false)).toBeGreaterThan(0);
    for (const withoutConstants of [false, true]) {
      const report = await checkGradients({
        forward: (g, p) => {
          const h = g.op('Add', [g.op('MatMul', [p['x']!, p['w']!]), p['bias']!]);
          const heads = g.op('Transpose', [g.op('Reshape', [h, g.constInt64([0, 0, 2, 2])])], { perm: [0, 2, 1, 3] });
          const scores = g.op('Softmax', [g.op('MatMul', [heads, g.op('Transpose', [heads], { perm: [0, 1, 3, 2] })])], { axis: -1 });
          const merged = g.op('Reshape', [g.op('Transpose', [g.op('MatMul', [scores, heads])], { perm: [0, 2, 1, 3] }), g.constInt64([0, 0, 4])]);
          // A [1, 1, 4] gate broadcast over prompts and tokens: summed back over both axes.
          return g.op('Mul', [merged, g.op('Reshape', [p['gate']!, g.constInt64([1, 1, 4])])]);
        },
        inputs: { x: { dims: [2, 5, 4] }, w: { dims: [4, 4] }, bias: { dims: [4] }, gate: { dims: [4] } },
        outputDims: [2, 5, 4],
        symbolic: ['x'],
        withoutConstants,
      });
      expect(worstError(`attention, ${withoutConstants ? 'run-time' : 'build-time'} un-broadcast`, report)).toBeLessThan(1e-7);
    }
  });
});

import { GraphBuilder, float, writeModel } from '@clipseg/convert/graph';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { checkGradients, worstError } from '../../test/gradient-check.js';
import { AutodiffError } from './autodiff-error.js';
import { bceWithLogitsMean } from './bce-with-logits.js';
import { addGradients } from './differentiate.js';

describe('addGradients', () => {
  it('differentiates a small attention block end to end (float64 finite differences)', async () => {
    // x [2, 3, 4] → q, k, v projections, 2 heads of 2 → softmax attention → residual → LayerNorm → ReLU MLP.
    const report = await checkGradients({
      forward: (g, p) => {
        const x = p['x']!;
        const heads = (t: string, perm: number[]): string => g.op('Transpose', [g.op('Reshape', [t, g.constInt64([0, 0, 2, 2])])], { perm });
        const q = heads(g.op('Add', [g.op('MatMul', [x, p['wq']!]), p['bq']!]), [0, 2, 1, 3]);
        const k = heads(g.op('MatMul', [x, p['wk']!]), [0, 2, 3, 1]);
        const v = heads(g.op('MatMul', [x, p['wv']!]), [0, 2, 1, 3]);
        const probs = g.op('Softmax', [g.op('Mul', [g.op('MatMul', [q, k]), g.constFloat32([0.5 ** 0.5], [])])], { axis: -1 });
        const ctx = g.op('Reshape', [g.op('Transpose', [g.op('MatMul', [probs, v])], { perm: [0, 2, 1, 3] }), g.constInt64([0, 0, 4])]);
        const h = g.op('LayerNormalization', [g.op('Add', [x, ctx]), p['ln_w']!, p['ln_b']!], { axis: -1, epsilon: float(1e-5) });
        return g.op('Add', [h, g.op('MatMul', [g.op('Relu', [g.op('MatMul', [h, p['w1']!])]), p['w2']!])]);
      },
      inputs: {
        x: { dims: [2, 3, 4] },
        wq: { dims: [4, 4] },
        bq: { dims: [4] },
        wk: { dims: [4, 4] },
        wv: { dims: [4, 4] },
        ln_w: { dims: [4] },
        ln_b: { dims: [4] },
        w1: { dims: [4, 6] },
        w2: { dims: [6, 4] },
      },
      outputDims: [2, 3, 4],
      seed: 7,
    });
    expect(worstError('attention block', report)).toBeLessThan(1e-7);
  });

  it('differentiates an Expand whose shape is computed from another differentiated tensor (the FiLM broadcast)', async () => {
    const report = await checkGradients({
      forward: (g, p) => {
        const shape = g.op('Concat', [g.op('Shape', [p['h']!], { start: 0, end: 2 }), g.constInt64([3])], { axis: 0 });
        return g.op('Add', [g.op('Mul', [g.op('Expand', [p['gamma']!, shape]), p['h']!]), g.op('Expand', [p['beta']!, shape])]);
      },
      inputs: { h: { dims: [2, 4, 3] }, gamma: { dims: [1, 3] }, beta: { dims: [3] } },
      outputDims: [2, 4, 3],
    });
    expect(worstError('FiLM', report)).toBeLessThan(1e-7);
  });

  it("runs the README's example: a logistic regression's gradient is Xᵀ(σ(Xw) − t)/N", async () => {
    const g = new GraphBuilder('train');
    const x = g.input('x', 'float32', ['batch', 4]);
    const w = g.input('w', 'float32', [4, 1]);
    const t = g.input('target', 'float32', ['batch', 1]);
    const loss = g.op('Identity', [bceWithLogitsMean(g, g.op('MatMul', [x, w]), t)], {}, 'loss');
    g.output(loss, 'float32', []);
    const { outputs, unreached } = addGradients(g, { loss, wrt: ['w'] });
    expect([...outputs.values()]).toEqual(['grad.w']);
    expect(unreached).toEqual([]);
    const session = await ort.InferenceSession.create(await writeModel(g));
    const xs = [0.5, -1, 2, 0.25, 1.5, 0.5, -0.5, 1];
    const ws = [0.1, -0.2, 0.3, 0.4];
    const ts = [1, 0];
    try {
      const out = await session.run({
        x: new ort.Tensor('float32', Float32Array.from(xs), [2, 4]),
        w: new ort.Tensor('float32', Float32Array.from(ws), [4, 1]),
        target: new ort.Tensor('float32', Float32Array.from(ts), [2, 1]),
      });
      const residual = [0, 1].map((n) => 1 / (1 + Math.exp(-ws.reduce((s, wi, i) => s + wi * xs[n * 4 + i]!, 0))) - ts[n]!);
      const expected = ws.map((_, i) => (residual[0]! * xs[i]! + residual[1]! * xs[4 + i]!) / 2);
      const grad = Array.from(out['grad.w']!.data as Float32Array);
      expect(out['grad.w']!.dims).toEqual([4, 1]);
      grad.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThan(1e-7));
    } finally {
      await session.release();
    }
  });

  it('lists the tensors the loss does not reach and declares no output for them', () => {
    const g = new GraphBuilder('t');
    const a = g.input('a', 'float32', [2]);
    g.input('b', 'float32', [2]);
    const loss = g.op('ReduceSum', [g.op('Mul', [a, a])], { keepdims: 0 });
    const result = addGradients(g, { loss, wrt: ['a', 'b'] });
    expect([...result.outputs]).toEqual([['a', 'grad.a']]);
    expect(result.unreached).toEqual(['b']);
    expect((g.graphProto().output ?? []).map((o) => o.name)).toEqual(['grad.a']);
  });

  it('refuses an op without a rule, naming it', () => {
    const g = new GraphBuilder('t');
    const a = g.input('a', 'float32', [2]);
    const loss = g.op('ReduceSum', [g.op('Cos', [a])], { keepdims: 0 });
    expect(() => addGradients(g, { loss, wrt: ['a'] })).toThrow(expect.objectContaining({ code: 'AUTODIFF_UNSUPPORTED_OP', message: expect.stringContaining('Cos') }) as Error);
  });

  it('refuses unknown tensors and ranks it cannot infer', () => {
    const g = new GraphBuilder('t');
    const a = g.input('a', 'float32', [2, 2]);
    const shape = g.input('shape', 'int64', ['rank']);
    const loss = g.op('ReduceSum', [g.op('MatMul', [g.op('Reshape', [a, shape]), a])], { keepdims: 0 });
    expect(() => addGradients(g, { loss, wrt: ['nope'] })).toThrow(AutodiffError);
    expect(() => addGradients(g, { loss, wrt: ['a'] })).toThrow(expect.objectContaining({ code: 'AUTODIFF_UNKNOWN_RANK' }) as Error);
  });
});

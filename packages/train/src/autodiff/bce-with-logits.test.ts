import { GraphBuilder, writeModel } from '@clipseg/convert/graph';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { bceWithLogitsMean } from './bce-with-logits.js';
import { addGradients } from './differentiate.js';

/** Logits including 0 (where PyTorch's gradient is σ(0) − t = 0.5 − t) and large magnitudes (stability). */
const LOGITS = [0, 1.5, -2.25, 100, -100, 0.3, -0.7, 3];
const TARGETS = [1, 0, 1, 1, 0, 0.25, 1, 0];

describe('bceWithLogitsMean (float32: onnxruntime has Softplus in float32 only)', () => {
  const n = LOGITS.length;
  const expectedLoss = LOGITS.reduce((s, x, i) => s + Math.max(x, 0) - x * TARGETS[i]! + Math.log1p(Math.exp(-Math.abs(x))), 0) / n;
  const expectedGrad = LOGITS.map((x, i) => (1 / (1 + Math.exp(-x)) - TARGETS[i]!) / n);

  it("equals PyTorch's formula and its gradient (σ(x) − t)/N, including at x = 0 and |x| = 100", async () => {
    const g = new GraphBuilder('bce');
    const x = g.input('x', 'float32', [2, 4]);
    const t = g.input('t', 'float32', [2, 4]);
    const loss = g.op('Identity', [bceWithLogitsMean(g, x, t)], {}, 'loss');
    g.output(loss, 'float32', []);
    addGradients(g, { loss, wrt: ['x'] });
    const session = await ort.InferenceSession.create(await writeModel(g));
    try {
      const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from(LOGITS), [2, 4]), t: new ort.Tensor('float32', Float32Array.from(TARGETS), [2, 4]) });
      // float32: the mean of terms up to 100 rounds at ~100 · 6e-8 / 8; the gradients are O(0.1) values.
      expect(Math.abs(Number(out['loss']!.data[0]) - expectedLoss)).toBeLessThan(2e-6);
      Array.from(out['grad.x']!.data as Float32Array).forEach((v, i) => expect(Math.abs(v - expectedGrad[i]!), `x=${LOGITS[i]}`).toBeLessThan(1e-7));
    } finally {
      await session.release();
    }
  });

  it('keeps a one-prompt 352 × 352 loss within 1e-6 of float64 (the mean is taken per row first)', async () => {
    const [rows, cols] = [352, 352];
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const x = Float32Array.from({ length: rows * cols }, () => (random() - 0.5) * 16);
    const t = Float32Array.from({ length: rows * cols }, () => (random() < 0.3 ? 1 : 0));
    let sum = 0;
    for (let i = 0; i < x.length; i++) sum += Math.max(x[i]!, 0) - x[i]! * t[i]! + Math.log1p(Math.exp(-Math.abs(x[i]!)));
    const g = new GraphBuilder('bce-large');
    const xi = g.input('x', 'float32', [1, rows, cols]);
    const ti = g.input('t', 'float32', [1, rows, cols]);
    g.output(g.op('Identity', [bceWithLogitsMean(g, xi, ti)], {}, 'loss'), 'float32', []);
    const session = await ort.InferenceSession.create(await writeModel(g));
    try {
      const out = await session.run({ x: new ort.Tensor('float32', x, [1, rows, cols]), t: new ort.Tensor('float32', t, [1, rows, cols]) });
      expect(Math.abs(Number(out['loss']!.data[0]) - sum / x.length)).toBeLessThan(1e-6);
    } finally {
      await session.release();
    }
  });
});

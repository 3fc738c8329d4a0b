import type { GraphBuilder } from '@clipseg/convert/graph';
import { GraphBuilder as Builder, writeModel } from '@clipseg/convert/graph';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { checkGradients, worstError } from '../../test/gradient-check.js';
import { ParameterInputStore } from './parameter-input-store.js';

// A ReLU MLP 3 → 4 → 3 computed in two slices of its 4 intermediate features, as the converter's `mlp` does for
// the decoder's large intermediate sizes: slice j = relu(x·W1[j]ᵀ + b1[j]) · W2[:, j]ᵀ, summed, plus b2.
const SHAPES = new Map<string, readonly number[]>([
  ['m.fc1.weight', [4, 3]],
  ['m.fc1.bias', [4]],
  ['m.fc2.weight', [3, 4]],
  ['m.fc2.bias', [3]],
]);

function slicedMlp(g: GraphBuilder, store: ParameterInputStore, x: string): string {
  let sum: string | undefined;
  for (const start of [0, 2]) {
    const h = g.op('Relu', [g.op('Add', [g.op('MatMul', [x, store.linearWeight(g, 'm.fc1.weight', { of: 'rows', start, count: 2 })]), store.vectorSlice(g, 'm.fc1.bias', start, 2)])]);
    const part = g.op('MatMul', [h, store.linearWeight(g, 'm.fc2.weight', { of: 'columns', start, count: 2 })]);
    sum = sum === undefined ? part : g.op('Add', [sum, part]);
  }
  return g.op('Add', [sum!, store.param(g, 'm.fc2.bias')]);
}

describe('ParameterInputStore', () => {
  it('feeds whole HF parameters: the sliced MLP equals the unsliced one', async () => {
    const store = new ParameterInputStore(SHAPES);
    const g = new Builder('mlp');
    const x = g.input('x', 'float32', [2, 3]);
    g.op('Identity', [slicedMlp(g, store, x)], {}, 'y');
    g.output('y', 'float32', [2, 3]);
    expect(store.used).toEqual(['m.fc1.weight', 'm.fc1.bias', 'm.fc2.weight', 'm.fc2.bias']);
    const values = {
      x: [0.5, -1, 2, 1.5, 0.25, -0.75],
      'm.fc1.weight': [0.1, -0.2, 0.3, 0.4, 0.5, -0.6, -0.7, 0.8, 0.9, 1, -1.1, 0.2],
      'm.fc1.bias': [0.05, -0.1, 0.2, 0.3],
      'm.fc2.weight': [0.3, -0.1, 0.7, 0.2, -0.5, 0.6, 0.1, -0.4, 0.25, 0.35, -0.45, 0.55],
      'm.fc2.bias': [0.01, 0.02, -0.03],
    };
    const session = await ort.InferenceSession.create(await writeModel(g));
    const feeds = Object.fromEntries(Object.entries(values).map(([n, v]) => [n, new ort.Tensor('float32', Float32Array.from(v), n === 'x' ? [2, 3] : [...SHAPES.get(n)!])]));
    const y = (await session.run(feeds))['y']!.data as Float32Array;
    await session.release();
    for (let r = 0; r < 2; r++) {
      const h = [0, 1, 2, 3].map((i) => Math.max(0, values['m.fc1.bias'][i]! + [0, 1, 2].reduce((s, k) => s + values.x[r * 3 + k]! * values['m.fc1.weight'][i * 3 + k]!, 0)));
      for (let o = 0; o < 3; o++) {
        const expected = values['m.fc2.bias'][o]! + h.reduce((s, v, i) => s + v * values['m.fc2.weight'][o * 4 + i]!, 0);
        expect(y[r * 3 + o]!).toBeCloseTo(expected, 5);
      }
    }
  });

  it('gives the gradients of the whole parameters through the slices (float64 finite differences)', async () => {
    const report = await checkGradients({
      forward: (g, inputs) => slicedMlp(g, new ParameterInputStore(SHAPES), inputs['x']!),
      inputs: { x: { dims: [2, 3] }, ...Object.fromEntries([...SHAPES].map(([n, dims]) => [n, { dims }])) },
      outputDims: [2, 3],
    });
    expect(worstError('sliced MLP', report)).toBeLessThan(1e-7);
  });

  it('views a parameter with other dims through a Reshape, and refuses derived tables', () => {
    const store = new ParameterInputStore(SHAPES);
    const g = new Builder('view');
    expect(store.param(g, 'm.fc2.bias')).toBe('m.fc2.bias');
    const view = store.param(g, 'm.fc2.bias', [1, 3]);
    expect(view).not.toBe('m.fc2.bias');
    expect(store.param(g, 'm.fc2.bias', [1, 3])).toBe(view);
    expect(() => store.derived()).toThrow(/derived/);
  });
});

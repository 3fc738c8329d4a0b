import type { Backend, Session, Tensor } from '@clipseg/core';
import { createTensor } from '@clipseg/core';
import { describe, expect, it } from 'vitest';
import { DecoderTrainer } from './decoder-trainer.js';
import type { DecoderTrainingExample } from './decoder-trainer.js';
import type { DecoderTrainingGraph } from './decoder-training-graph.js';
import { TrainingError } from './training-error.js';

const GRAPH: DecoderTrainingGraph = {
  model: new Uint8Array(),
  parameters: [{ name: 'decoder.w', shape: [2] }],
  activations: ['activation_0'],
  projectionDim: 2,
  targetSize: { height: 2, width: 2 },
};

/**
 * A backend whose "graph" gives, per prompt p, row means equal to the prompt's first embedding value (so the
 * example's loss is their mean) and `grad.decoder.w = [mean target, w[0]]`; `omit` leaves an output out.
 */
function fakeBackend(omit?: string): Backend {
  const session: Session = {
    inputNames: [],
    outputNames: [],
    inputSpecs: [],
    info: { backend: 'fake', executionProvider: 'cpu' },
    run: (feeds) => {
      const cond = feeds['conditional_embeddings']!.data as Float32Array;
      const target = feeds['target']!.data as Float32Array;
      const w = feeds['decoder.w']!.data as Float32Array;
      const prompts = cond.length / 2;
      const rows = new Float32Array(prompts * 2);
      for (let p = 0; p < prompts; p++) rows.fill(cond[p * 2]!, p * 2, p * 2 + 2);
      const out: Record<string, Tensor> = {
        loss_rows: createTensor('float32', [prompts, 2], rows),
        'grad.decoder.w': createTensor('float32', [2], [target.reduce((a, b) => a + b, 0) / target.length, w[0]!]),
      };
      return Promise.resolve(Object.fromEntries(Object.entries(out).filter(([name]) => name !== omit)));
    },
    dispose: () => Promise.resolve(),
  };
  return { name: 'fake', createSession: () => Promise.resolve(session) };
}

const activation = createTensor('float32', [1, 1, 1], [0]);
const example = (embeds: number[], target: number[]): DecoderTrainingExample => ({ activations: [activation], conditionalEmbeddings: Float32Array.from(embeds), targets: Float32Array.from(target) });

describe('DecoderTrainer', () => {
  it('copies the initial parameters and weights each example by its share of the prompts', async () => {
    const initial = Float32Array.from([3, 4]);
    const trainer = await DecoderTrainer.create(fakeBackend(), GRAPH, () => initial);
    initial[0] = 99;
    expect([...trainer.parameters.get('decoder.w')!]).toEqual([3, 4]);
    // One prompt with loss 1 and target mean 1; three prompts with losses 2, 4, 6 (mean 4) and target mean 0.
    const { loss, gradients } = await trainer.step([example([1, 0], [1, 1, 1, 1]), example([2, 0, 4, 0, 6, 0], new Array<number>(12).fill(0))]);
    expect(loss).toBeCloseTo((1 * 1 + 3 * 4) / 4, 12);
    expect([...gradients.get('decoder.w')!]).toEqual([0.25, 3]);
    await trainer.dispose();
  });

  it('refuses parameters, examples and outputs that do not fit', async () => {
    await expect(DecoderTrainer.create(fakeBackend(), GRAPH, () => new Float32Array(3))).rejects.toThrow(/3 values, the model needs 2/);
    const trainer = await DecoderTrainer.create(fakeBackend(), GRAPH, () => new Float32Array(2));
    await expect(trainer.step([])).rejects.toThrow(TrainingError);
    await expect(trainer.step([example([1, 0, 2], [0, 0, 0, 0])])).rejects.toThrow(/example 0 does not fit/);
    await expect(trainer.step([example([1, 0], [0, 0, 0])])).rejects.toThrow(/example 0 does not fit/);
    const missing = await DecoderTrainer.create(fakeBackend('grad.decoder.w'), GRAPH, () => new Float32Array(2));
    await expect(missing.step([example([1, 0], [0, 0, 0, 0])])).rejects.toMatchObject({ code: 'TRAINING_MISSING_OUTPUT' });
  });
});

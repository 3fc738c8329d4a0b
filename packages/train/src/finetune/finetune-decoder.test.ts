import { memoryFileSet } from '@clipseg/core';
import { openCheckpoint } from '@clipseg/convert';
import { createNodeBackend } from '@clipseg/runtime-node';
import { describe, expect, it } from 'vitest';
import { tinyCheckpointFiles, tinyPipeline, tinyTask } from '../../test/tiny-task.js';
import { prepareFinetuneData, type PreparedFinetuneData } from './finetune-data.js';
import { finetuneDecoder, microBatches, planEpoch, type FinetuneEvent } from './finetune-decoder.js';
import { resolveFinetuneOptions } from './finetune-options.js';
import { decodeFinetuneState, encodeFinetuneState, type FinetuneState } from './finetune-state.js';

const backend = createNodeBackend();
const session = { intraOpNumThreads: 1 };

async function setup(trainScenes: number, validationScenes: number, prompts: 1 | 2 = 2) {
  const checkpoint = memoryFileSet(tinyCheckpointFiles(0), 'tiny checkpoint');
  const pipeline = await tinyPipeline(backend, checkpoint);
  const train = tinyTask(trainScenes, 1, 'train', prompts);
  const validation = tinyTask(validationScenes, 2, 'val', prompts);
  const decode = (bytes: Uint8Array, name: string) => (name.includes('train') ? train.decodeImage(bytes, name) : validation.decodeImage(bytes, name));
  const files = memoryFileSet({ ...train.files, ...validation.files }, 'tiny task');
  const progress: number[] = [];
  const data = await prepareFinetuneData(pipeline, { files, train: train.items, validation: validation.items, decodeImage: decode }, { onProgress: (p) => progress.push(p.imagesEncoded) });
  await pipeline.dispose();
  const { reader } = await openCheckpoint(checkpoint);
  return { data, progress, readParameter: (name: string) => reader.readFloat32(name), close: () => reader.close() };
}

describe('finetuneDecoder', () => {
  it('learns a small generated task: validation IoU rises well above where it started', async () => {
    const { data, progress, readParameter, close } = await setup(24, 6, 1);
    expect(progress.at(-1)).toBe(30);
    expect(data.embeddings.size).toBe(1);
    expect(data.activations.size).toBe(30);
    const events: FinetuneEvent[] = [];
    const result = await finetuneDecoder({
      backend,
      config: (await import('@clipseg/core')).clipsegPreset('tiny'),
      data,
      initialParameters: readParameter,
      options: { epochs: 30, batchSize: 8, learningRate: 3e-2, finalLearningRate: 3e-3, negativeRate: 0 },
      session,
      onEvent: (e) => void events.push(e),
    });
    await close();
    const ious = result.history.map((r) => r.validationIoU!);
    expect(result.history.map((r) => r.epoch)).toEqual(Array.from({ length: 31 }, (_, i) => i));
    expect(ious[0]).toBeLessThan(0.3);
    expect(ious.at(-1)).toBeGreaterThan(ious[0]! + 0.4);
    const losses = result.history.slice(1).map((r) => r.trainLoss!);
    expect(losses.at(-1)).toBeLessThan(losses[0]! * 0.7);
    const steps = events.filter((e) => e.type === 'step');
    expect(steps.length).toBe(30 * 3);
    expect(steps[0]!.learningRate).toBeCloseTo(3e-2, 12);
    expect(steps.at(-1)!.learningRate).toBeLessThan(3.1e-3);
  }, 120_000);

  it('resumes from a state saved on abort exactly where it stopped', async () => {
    const { data, readParameter, close } = await setup(6, 2);
    // Each image is encoded once, however many prompts it has.
    expect([data.train.length, data.validation.length, data.activations.size, data.embeddings.size]).toEqual([12, 4, 8, 2]);
    const config = (await import('@clipseg/core')).clipsegPreset('tiny');
    const options = { epochs: 3, batchSize: 4, seed: 5 };
    const straight = await finetuneDecoder({ backend, config, data, initialParameters: readParameter, options, session });
    const controller = new AbortController();
    let saved: Uint8Array | undefined;
    let steps = 0;
    await expect(
      finetuneDecoder({
        backend,
        config,
        data,
        initialParameters: readParameter,
        options,
        session,
        signal: controller.signal,
        onEvent: (e) => {
          if (e.type === 'step' && ++steps === 4) controller.abort();
          if (e.type === 'state') saved = encodeFinetuneState(e.state);
        },
      }),
    ).rejects.toMatchObject({ code: 'TRAINING_ABORTED' });
    const state = await decodeFinetuneState(saved!);
    expect([state.epoch, state.batch, state.step]).toEqual([1, 1, 4]);
    const resumed = await finetuneDecoder({ backend, config, data, initialParameters: () => Promise.reject(new Error('not read on resume')), options, session, resume: state });
    await close();
    for (const [name, values] of straight.parameters) expect(Array.from(resumed.parameters.get(name)!), name).toEqual(Array.from(values));
    expect(resumed.history).toEqual(straight.history);
    // Another seed is another run: its state is refused.
    await expect(finetuneDecoder({ backend, config, data, initialParameters: readParameter, options: { ...options, seed: 6 }, session, resume: state })).rejects.toMatchObject({ code: 'TRAINING_STATE_MISMATCH' });
  }, 120_000);
});

describe('micro-batches', () => {
  const example = (prompts: number) => ({ activations: [], conditionalEmbeddings: Float32Array.from({ length: prompts * 2 }, (_, i) => i), targets: Float32Array.from({ length: prompts * 3 }, (_, i) => i) });

  it('keeps runs within the limit, an image whole when it fits, and every prompt once in order', () => {
    const runs = microBatches([example(3), example(2), example(5)], 2, 4);
    expect(runs.map((r) => r.map((e) => e.conditionalEmbeddings.length / 2))).toEqual([[3], [2], [4], [1]]);
    const prompts = runs.flat().flatMap((e) => Array.from(e.targets));
    expect(prompts).toEqual([...Array.from({ length: 9 }, (_, i) => i), ...Array.from({ length: 6 }, (_, i) => i), ...Array.from({ length: 15 }, (_, i) => i)]);
  });

  it('gives the same training as one run per batch, to float32 rounding', async () => {
    const { data, readParameter, close } = await setup(6, 2);
    const config = (await import('@clipseg/core')).clipsegPreset('tiny');
    const run = (microBatchSize: number) => finetuneDecoder({ backend, config, data, initialParameters: readParameter, options: { epochs: 2, batchSize: 8, negativeRate: 0, microBatchSize }, session });
    const [whole, pieces] = [await run(64), await run(3)];
    await close();
    for (const [name, values] of whole.parameters) {
      const other = pieces.parameters.get(name)!;
      let worst = 0;
      values.forEach((v, k) => (worst = Math.max(worst, Math.abs(v - other[k]!))));
      expect(worst, name).toBeLessThan(2e-5);
    }
    expect(pieces.history.at(-1)!.trainLoss!).toBeCloseTo(whole.history.at(-1)!.trainLoss!, 5);
  }, 60_000);
});

describe('planEpoch', () => {
  const data = {
    imageSize: { height: 1, width: 1 },
    activations: new Map(),
    embeddings: new Map(),
    train: Array.from({ length: 200 }, (_, i) => ({ image: `i${i % 50}`, prompt: i % 7 === 0 ? `image:p${i}` : `text:t${i % 4}`, target: new Uint8Array(1) })),
    validation: [],
  } satisfies PreparedFinetuneData;

  it('shuffles every example once, seeded, and draws negatives among text prompts the image lacks', () => {
    const options = resolveFinetuneOptions({ seed: 3 });
    const plan = planEpoch(data, options, 0);
    expect(plan.map((p) => p.index).sort((a, b) => a - b)).toEqual(data.train.map((_, i) => i));
    expect(planEpoch(data, options, 0)).toEqual(plan);
    expect(planEpoch(data, options, 1)).not.toEqual(plan);
    const negatives = plan.filter((p) => p.negative !== undefined);
    expect(negatives.length / plan.length).toBeGreaterThan(0.1);
    expect(negatives.length / plan.length).toBeLessThan(0.3);
    for (const p of negatives) {
      const example = data.train[p.index]!;
      expect(example.prompt.startsWith('text:')).toBe(true);
      expect(p.negative!.startsWith('text:')).toBe(true);
      const onImage = data.train.filter((e) => e.image === example.image).map((e) => e.prompt);
      expect(onImage).not.toContain(p.negative);
    }
    expect(planEpoch(data, resolveFinetuneOptions({ negativeRate: 0 }), 0).every((p) => p.negative === undefined)).toBe(true);
  });
});

describe('fine-tuning state', () => {
  it('round-trips through bytes and refuses damaged ones', async () => {
    const state: FinetuneState = {
      fingerprint: 'abc',
      options: resolveFinetuneOptions({ epochs: 2 }),
      epoch: 1,
      batch: 2,
      step: 7,
      epochLossSum: 1.25,
      history: [{ epoch: 0, validationIoU: 0.1, validationLoss: 0.7 }, { epoch: 1, trainLoss: 0.5, validationIoU: 0.4, validationLoss: 0.3, learningRate: 1e-3 }],
      parameters: new Map([['decoder.a', Float32Array.from([1, 2, 3])]]),
      optimizer: { step: 7, expAvg: { 'decoder.a': Float32Array.from([0.5, 0, -1]) }, expAvgSq: { 'decoder.a': Float32Array.from([1, 1, 2]) } },
    };
    const back = await decodeFinetuneState(encodeFinetuneState(state));
    expect(back).toEqual(state);
    await expect(decodeFinetuneState(new Uint8Array([1, 2, 3]))).rejects.toMatchObject({ code: 'TRAINING_STATE_MISMATCH' });
    const bytes = encodeFinetuneState(state);
    await expect(decodeFinetuneState(bytes.subarray(0, bytes.length - 4))).rejects.toMatchObject({ code: 'TRAINING_STATE_MISMATCH' });
  });
});

/**
 * The fine-tuning loop: the decoder trains on prepared (encoded-once) data with AdamW and a cosine schedule,
 * validates after every epoch, and hands out resumable states.
 *
 * @module
 */
import type { AbortSignalLike, Backend, SessionOptions } from '@clipseg/core';
import type { CLIPSegGraphConfig } from '@clipseg/convert';
import { SeededRandom } from '@clipseg/convert';
import { hash53 } from '../random/hash53.js';
import { AdamW } from '../training/adamw.js';
import { cosineLearningRate } from '../training/cosine-schedule.js';
import { DecoderEvaluator } from '../training/decoder-evaluator.js';
import { DecoderTrainer, type DecoderTrainingExample } from '../training/decoder-trainer.js';
import { buildDecoderTrainingGraph } from '../training/decoder-training-graph.js';
import { TrainingError } from '../training/training-error.js';
import type { PreparedFinetuneData } from './finetune-data.js';
import { resolveFinetuneOptions, type FinetuneOptions, type ResolvedFinetuneOptions } from './finetune-options.js';
import type { EpochRecord, FinetuneState } from './finetune-state.js';
import { groupByImage, validate } from './validation.js';

/** What a fine-tuning run reports as it goes. */
export type FinetuneEvent =
  /** An optimizer step was taken. */
  | { readonly type: 'step'; readonly epoch: number; readonly epochs: number; readonly step: number; readonly totalSteps: number; readonly loss: number; readonly learningRate: number }
  /** An epoch ended and was validated (epoch 0: the model before training). */
  | { readonly type: 'epoch'; readonly record: EpochRecord }
  /** A resumable point: save `state` to resume from here (after each epoch, every `saveEvery` steps, and on abort). */
  | { readonly type: 'state'; readonly state: FinetuneState };

/** Everything {@link finetuneDecoder} needs. */
export interface FinetuneDecoderInput {
  /** Where the graphs run (runtime-node's or runtime-web's backend). */
  readonly backend: Backend;
  /** The model's configuration (`config.json`). */
  readonly config: CLIPSegGraphConfig;
  /** The encoded data, from `prepareFinetuneData`. */
  readonly data: PreparedFinetuneData;
  /** The starting decoder parameters by HF name (a checkpoint reader's `readFloat32`). */
  readonly initialParameters: (name: string) => Float32Array | Promise<Float32Array>;
  /** The recipe's settings (defaults: the paper's). */
  readonly options?: FinetuneOptions;
  /** A state saved by an earlier run of the same data, settings and model: the run continues from it. */
  readonly resume?: FinetuneState;
  /** Stops the run between steps; a `state` event comes first, then `TRAINING_ABORTED`. */
  readonly signal?: AbortSignalLike;
  /** Progress and resumable states; awaited, so a state can be written before training goes on. */
  readonly onEvent?: (event: FinetuneEvent) => void | Promise<void>;
  /** Steps between `state` events within an epoch (default none: only at epoch ends and on abort). */
  readonly saveEvery?: number;
  /** Session options of the training and validation graphs (threads …). */
  readonly session?: SessionOptions;
}

/** What a finished run gives. */
export interface FinetuneResult {
  /** The trained decoder parameters, by HF name. */
  readonly parameters: ReadonlyMap<string, Float32Array>;
  /** Epoch 0 (before training) and every epoch's record. */
  readonly history: readonly EpochRecord[];
  /** The final state (for saving or continuing with more epochs is not supported: the schedule is fixed). */
  readonly state: FinetuneState;
}

/**
 * What makes a saved state belong to a run: the settings, the examples (images, prompts, targets) in order and
 * the parameters' names and sizes, hashed.
 */
export function finetuneFingerprint(options: ResolvedFinetuneOptions, data: PreparedFinetuneData, parameters: readonly { name: string; shape: readonly number[] }[]): string {
  let h = hash53(JSON.stringify(options));
  const mix = (text: string) => (h = hash53(text, h));
  for (const side of [data.train, data.validation]) {
    mix(`|${side.length}`);
    for (const e of side) {
      let ones = 0;
      for (let i = 0; i < e.target.length; i++) ones += e.target[i]!;
      mix(`${e.image}\0${e.prompt}\0${ones}`);
    }
  }
  for (const p of parameters) mix(`${p.name}:${p.shape.join('x')}`);
  return h.toString(16);
}

interface PlannedExample {
  readonly index: number;
  /** A negative's prompt key (target empty), or undefined for the example as it is. */
  readonly negative?: string;
}

/**
 * The order of an epoch and which examples become negatives: from the seed and the epoch alone, so a resumed run
 * plans the same epoch.
 */
export function planEpoch(data: PreparedFinetuneData, options: ResolvedFinetuneOptions, epoch: number): PlannedExample[] {
  const rng = new SeededRandom(hash53(`epoch ${epoch}`, options.seed) % 2 ** 32);
  const order = rng.shuffle(data.train.map((_, i) => i));
  const texts = [...new Set(data.train.map((e) => e.prompt).filter((k) => k.startsWith('text:')))].sort();
  const present = new Map<string, Set<string>>();
  for (const e of data.train) {
    const set = present.get(e.image) ?? new Set<string>();
    set.add(e.prompt);
    present.set(e.image, set);
  }
  const candidates = new Map<string, string[]>();
  return order.map((index) => {
    const example = data.train[index]!;
    const coin = rng.nextUnit();
    if (coin >= options.negativeRate || !example.prompt.startsWith('text:')) return { index };
    let list = candidates.get(example.image);
    if (list === undefined) {
      const here = present.get(example.image)!;
      list = texts.filter((k) => !here.has(k));
      candidates.set(example.image, list);
    }
    return list.length === 0 ? { index } : { index, negative: list[rng.nextInt(list.length)]! };
  });
}

function batchExamples(data: PreparedFinetuneData, planned: readonly PlannedExample[], width: number): DecoderTrainingExample[] {
  const pixels = data.imageSize.height * data.imageSize.width;
  const examples = planned.map((p) => ({ ...data.train[p.index]!, prompt: p.negative ?? data.train[p.index]!.prompt, negative: p.negative !== undefined }));
  const out: DecoderTrainingExample[] = [];
  for (const [image, indices] of groupByImage(examples)) {
    const conditionalEmbeddings = new Float32Array(indices.length * width);
    const targets = new Float32Array(indices.length * pixels);
    indices.forEach((k, j) => {
      const e = examples[k]!;
      conditionalEmbeddings.set(data.embeddings.get(e.prompt)!, j * width);
      if (!e.negative) for (let i = 0; i < pixels; i++) targets[j * pixels + i] = e.target[i]!;
    });
    out.push({ activations: data.activations.get(image)!, conditionalEmbeddings, targets });
  }
  return out;
}

/** Splits a batch's examples (one per image) into runs of at most `limit` prompts; an image over the limit is split. */
export function microBatches(examples: readonly DecoderTrainingExample[], width: number, limit: number): DecoderTrainingExample[][] {
  const runs: DecoderTrainingExample[][] = [];
  let current: DecoderTrainingExample[] = [];
  let prompts = 0;
  for (const e of examples) {
    const n = e.conditionalEmbeddings.length / width;
    const pixels = e.targets.length / n;
    for (let start = 0; start < n; start += limit) {
      const count = Math.min(limit, n - start);
      const piece = count === n ? e : { activations: e.activations, conditionalEmbeddings: e.conditionalEmbeddings.subarray(start * width, (start + count) * width), targets: e.targets.subarray(start * pixels, (start + count) * pixels) };
      if (prompts + count > limit && current.length > 0) {
        runs.push(current);
        current = [];
        prompts = 0;
      }
      current.push(piece);
      prompts += count;
    }
  }
  if (current.length > 0) runs.push(current);
  return runs;
}

/** One optimizer step's loss and gradients from several runs: each run's weighted by its share of the prompts. */
async function accumulatedStep(trainer: DecoderTrainer, runs: readonly DecoderTrainingExample[][], width: number): Promise<{ loss: number; gradients: Map<string, Float32Array> }> {
  if (runs.length === 1) {
    const { loss, gradients } = await trainer.step(runs[0]!);
    return { loss, gradients: new Map(gradients) };
  }
  const count = (run: readonly DecoderTrainingExample[]) => run.reduce((a, e) => a + e.conditionalEmbeddings.length / width, 0);
  const total = runs.reduce((a, r) => a + count(r), 0);
  let loss = 0;
  const gradients = new Map<string, Float32Array>();
  for (const run of runs) {
    const share = count(run) / total;
    const step = await trainer.step(run);
    loss += share * step.loss;
    for (const [name, g] of step.gradients) {
      const acc = gradients.get(name) ?? new Float32Array(g.length);
      for (let k = 0; k < g.length; k++) acc[k] = acc[k]! + share * g[k]!;
      gradients.set(name, acc);
    }
  }
  return { loss, gradients };
}

/**
 * Fine-tunes the decoder on `data` (CLIP frozen): per epoch a seeded shuffle, negatives with probability
 * `negativeRate`, batches of `batchSize` examples whose gradients are accumulated (one decoder run per image of the
 * batch), an AdamW step with the cosine learning rate, then validation (mean IoU, loss). Epoch 0 validates the
 * starting model. Deterministic for a seed on a given backend and thread count.
 *
 * @throws TrainingError `TRAINING_INVALID_OPTION`, `TRAINING_NO_DATA`, `TRAINING_STATE_MISMATCH` (a `resume`
 *   state of other data, settings or model), `TRAINING_ABORTED` (after the `state` event); backend errors
 */
export async function finetuneDecoder(input: FinetuneDecoderInput): Promise<FinetuneResult> {
  const options = resolveFinetuneOptions(input.options);
  const { data, backend, config } = input;
  if (data.train.length === 0) throw new TrainingError('TRAINING_NO_DATA', 'There is nothing to train on: the training split has no examples.');
  const emit = async (event: FinetuneEvent) => input.onEvent?.(event);
  const graph = await buildDecoderTrainingGraph(config, { imageSize: data.imageSize });
  const fingerprint = finetuneFingerprint(options, data, graph.parameters);
  const resume = input.resume;
  if (resume !== undefined && resume.fingerprint !== fingerprint) {
    throw new TrainingError('TRAINING_STATE_MISMATCH', 'The saved fine-tuning state belongs to another run (other data, settings or model); resume with the same ones, or start again without resume.', {
      saved: resume.fingerprint,
      current: fingerprint,
    });
  }
  const trainer = await DecoderTrainer.create(backend, graph, (name) => resume?.parameters.get(name) ?? input.initialParameters(name), input.session);
  const evaluator = await DecoderEvaluator.create(backend, config, { imageSize: data.imageSize, ...(input.session === undefined ? {} : { session: input.session }) });
  try {
    const optimizer = new AdamW({ lr: options.learningRate, weightDecay: options.weightDecay });
    if (resume !== undefined) optimizer.loadState(resume.optimizer);
    const stepsPerEpoch = Math.ceil(data.train.length / options.batchSize);
    const totalSteps = stepsPerEpoch * options.epochs;
    const history: EpochRecord[] = [...(resume?.history ?? [])];
    let { epoch, batch, step, epochLossSum } = resume ?? { epoch: 0, batch: 0, step: 0, epochLossSum: 0 };
    const state = (): FinetuneState => ({ fingerprint, options, epoch, batch, step, epochLossSum, history: [...history], parameters: new Map([...trainer.parameters].map(([k, v]) => [k, v.slice()])), optimizer: optimizer.state() });
    const validated = async (record: Omit<EpochRecord, 'validationIoU' | 'validationLoss'>): Promise<EpochRecord> => {
      const v = await validate(evaluator, trainer.parameters, data);
      return v === undefined ? record : { ...record, validationIoU: v.iou, validationLoss: v.loss };
    };
    if (history.length === 0) {
      history.push(await validated({ epoch: 0 }));
      await emit({ type: 'epoch', record: history[0]! });
    }
    const width = graph.projectionDim;
    while (epoch < options.epochs) {
      const plan = planEpoch(data, options, epoch);
      let lr = cosineLearningRate(step, totalSteps, options.learningRate, options.finalLearningRate);
      for (; batch < stepsPerEpoch; ) {
        if (input.signal?.aborted === true) {
          await emit({ type: 'state', state: state() });
          throw new TrainingError('TRAINING_ABORTED', `Fine-tuning was stopped at step ${step} of ${totalSteps}; resume from the saved state to continue.`, { step });
        }
        lr = cosineLearningRate(step, totalSteps, options.learningRate, options.finalLearningRate);
        const planned = plan.slice(batch * options.batchSize, (batch + 1) * options.batchSize);
        const { loss, gradients } = await accumulatedStep(trainer, microBatches(batchExamples(data, planned, width), width, options.microBatchSize), width);
        optimizer.step(trainer.parameters, gradients, lr);
        step++;
        batch++;
        epochLossSum += loss;
        await emit({ type: 'step', epoch: epoch + 1, epochs: options.epochs, step, totalSteps, loss, learningRate: lr });
        if (input.saveEvery !== undefined && step % input.saveEvery === 0 && batch < stepsPerEpoch) await emit({ type: 'state', state: state() });
      }
      const record = await validated({ epoch: epoch + 1, trainLoss: epochLossSum / stepsPerEpoch, learningRate: lr });
      history.push(record);
      epoch++;
      batch = 0;
      epochLossSum = 0;
      await emit({ type: 'epoch', record });
      await emit({ type: 'state', state: state() });
    }
    const final = state();
    return { parameters: final.parameters, history: final.history, state: final };
  } finally {
    await trainer.dispose();
    await evaluator.dispose();
  }
}

// The measured workload of train-browser.bench.ts, shared by its two sides: the Node workload
// (train-browser-workload.ts, onnxruntime-node) and the browser worker (train-browser/train-worker.js,
// onnxruntime-web WASM). Decoder fine-tuning steps — DecoderTrainer.step on a batch, then AdamW.step — on prepared
// inputs, so both sides time exactly the same computation. No Node or DOM APIs.
import type { CLIPSegGraphConfig } from '@clipseg/convert';
import { bytesSource, createTensor, openSafetensors, type Backend, type SessionOptions, type Tensor } from '@clipseg/core';
import { AdamW, buildDecoderTrainingGraph, DecoderTrainer, type DecoderTrainingExample } from '@clipseg/train';
import { stats, timeOnce, timeRuns, type Stats } from './bench-stats.js';

/** File names of a prepared model folder (written by train-browser.bench.ts). */
export const TRAIN_FILES = { config: 'config.json', decoder: 'decoder.safetensors', batch: 'batch.safetensors' } as const;

/** The prepared inputs: the HF config, the decoder parameters (HF names) and the batch. */
export interface TrainStepsInput {
  readonly config: CLIPSegGraphConfig;
  /** safetensors: every decoder parameter by HF name. */
  readonly decoder: Uint8Array;
  /**
   * safetensors: `activation_k` float32 `[examples, tokens, hidden]` (the frozen vision tower's outputs),
   * `conditional_embeddings` `[examples, projection_dim]` (one text prompt per example), `target` `[examples, H, W]`.
   */
  readonly batch: Uint8Array;
}

/** Settings of a measurement. */
export interface TrainStepsOptions {
  readonly warmup: number;
  readonly runs: number;
  /** Passed to the training session (Node: `intraOpNumThreads`). */
  readonly sessionOptions?: SessionOptions;
}

/** What a side measured. */
export interface TrainStepsResult {
  readonly library: string;
  readonly examples: number;
  readonly parameterCount: number;
  /** Building the training graph in TypeScript. */
  readonly graphMs: number;
  /** Creating the session (onnxruntime parses and optimises the graph). */
  readonly sessionMs: number;
  /** One fine-tuning step on the whole batch (trainer.step + optimizer.step). */
  readonly step: Stats;
  /** 1000 / median step ms. */
  readonly stepsPerSecond: number;
  /** The loss before each step, warm-up included (the two sides must agree on the first). */
  readonly losses: number[];
  peakRssMb: number;
}

const round = (v: number) => Math.round(v * 100) / 100;

/** Splits the prepared batch into one example per image. */
async function readBatch(bytes: Uint8Array, activationNames: readonly string[], projectionDim: number): Promise<DecoderTrainingExample[]> {
  const file = await openSafetensors(bytesSource(bytes));
  const activations = (await Promise.all(activationNames.map((name) => file.read(name)))) as Tensor<'float32'>[];
  const embeddings = ((await file.read('conditional_embeddings')) as Tensor<'float32'>).data;
  const targets = (await file.read('target')) as Tensor<'float32'>;
  const [examples, height, width] = targets.dims as [number, number, number];
  const pixels = height * width;
  return Array.from({ length: examples }, (_, i) => ({
    activations: activations.map((a) => {
      const [, tokens, hidden] = a.dims as [number, number, number];
      return createTensor('float32', [1, tokens, hidden], a.data.slice(i * tokens * hidden, (i + 1) * tokens * hidden));
    }),
    conditionalEmbeddings: embeddings.slice(i * projectionDim, (i + 1) * projectionDim),
    targets: targets.data.slice(i * pixels, (i + 1) * pixels),
  }));
}

/** Times `warmup` + `runs` fine-tuning steps on `backend`. */
export async function measureTrainingSteps(backend: Backend, library: string, input: TrainStepsInput, options: TrainStepsOptions): Promise<TrainStepsResult> {
  let graph!: Awaited<ReturnType<typeof buildDecoderTrainingGraph>>;
  const graphMs = await timeOnce(async () => {
    graph = await buildDecoderTrainingGraph(input.config);
  });
  const batch = await readBatch(input.batch, graph.activations, graph.projectionDim);
  const decoder = await openSafetensors(bytesSource(input.decoder));
  let trainer!: DecoderTrainer;
  const sessionMs = await timeOnce(async () => {
    trainer = await DecoderTrainer.create(backend, graph, async (name) => ((await decoder.read(name)) as Tensor<'float32'>).data, options.sessionOptions);
  });
  try {
    const optimizer = new AdamW({ lr: 1e-4 });
    const losses: number[] = [];
    const samples = await timeRuns(
      async () => {
        const { loss, gradients } = await trainer.step(batch);
        optimizer.step(trainer.parameters, gradients);
        losses.push(loss);
      },
      options.warmup,
      options.runs,
    );
    const step = stats(samples);
    return {
      library,
      examples: batch.length,
      parameterCount: [...trainer.parameters.values()].reduce((n, p) => n + p.length, 0),
      graphMs: round(graphMs),
      sessionMs: round(sessionMs),
      step,
      stepsPerSecond: round(1000 / step.median),
      losses,
      peakRssMb: 0,
    };
  } finally {
    await trainer.dispose();
  }
}

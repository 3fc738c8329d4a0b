// The worker of the browser fine-tuning test (src/browser-test/finetune-worker.browser.test.ts): a short
// finetuneDecoder run inside a Web Worker on onnxruntime-web WASM — the generated tiny task of the Node test
// (test/tiny-task.ts): a random tiny CLIPSeg at 128 × 128 learns "red square" on scenes with a red square and a blue
// disc. The pipeline that encodes the data once runs on the same backend.
import { clipsegPreset, memoryFileSet } from '@clipseg/core';
import { openCheckpoint } from '@clipseg/convert';
import { createWasmBackend } from '@clipseg/runtime-web/wasm';
import { finetuneDecoder, prepareFinetuneData, type EpochRecord, type FinetuneOptions } from '@clipseg/train';
import { tinyCheckpointFiles, tinyPipeline, tinyTask } from '../tiny-task.js';

/** What the page asks for. */
export interface FinetuneRequest {
  readonly wasmPaths: string;
  readonly threads: number;
  readonly trainScenes: number;
  readonly validationScenes: number;
  readonly options: FinetuneOptions;
}

/** What the worker posts back: `{ ok: true, result }` or `{ ok: false, error }`. */
export interface FinetuneRun {
  readonly threads: number;
  readonly examples: { readonly train: number; readonly validation: number };
  /** Epoch 0 (before training) and every epoch's record. */
  readonly history: readonly EpochRecord[];
  /** Each optimizer step's loss, in order. */
  readonly stepLosses: number[];
  readonly ms: number;
}

/** A worker's global scope, as far as this file uses it (this package's type check has no WebWorker lib). */
interface Scope {
  onmessage: ((event: { data: FinetuneRequest }) => void) | null;
  postMessage(message: unknown): void;
}

async function run(request: FinetuneRequest): Promise<FinetuneRun> {
  const started = performance.now();
  const backend = createWasmBackend({ wasmPaths: request.wasmPaths, numThreads: request.threads });
  const { threads } = await backend.init();
  const checkpoint = memoryFileSet(tinyCheckpointFiles(0), 'tiny checkpoint');
  const train = tinyTask(request.trainScenes, 1, 'train', 1);
  const validation = tinyTask(request.validationScenes, 2, 'val', 1);
  const decodeImage = (bytes: Uint8Array, name: string) => (name.includes('train') ? train.decodeImage(bytes, name) : validation.decodeImage(bytes, name));
  const pipeline = await tinyPipeline(backend, checkpoint);
  const data = await prepareFinetuneData(pipeline, { files: memoryFileSet({ ...train.files, ...validation.files }, 'tiny task'), train: train.items, validation: validation.items, decodeImage });
  await pipeline.dispose();
  const { reader } = await openCheckpoint(checkpoint);
  const stepLosses: number[] = [];
  try {
    const result = await finetuneDecoder({
      backend,
      config: clipsegPreset('tiny'),
      data,
      initialParameters: (name) => reader.readFloat32(name),
      options: request.options,
      onEvent: (event) => {
        if (event.type === 'step') stepLosses.push(event.loss);
      },
    });
    return { threads, examples: { train: data.train.length, validation: data.validation.length }, history: result.history, stepLosses, ms: performance.now() - started };
  } finally {
    await reader.close();
  }
}

const scope = globalThis as unknown as Scope;
scope.onmessage = (event) => {
  run(event.data).then(
    (result) => scope.postMessage({ ok: true, result }),
    (error: unknown) => scope.postMessage({ ok: false, error: error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error) }),
  );
};

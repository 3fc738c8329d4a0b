/**
 * A short finetuneDecoder run inside a Web Worker on onnxruntime-web WASM (2 threads): the generated tiny task of
 * the Node test (finetune-decoder.test.ts), with its settings. The training loss falls and the validation IoU rises.
 * Needs no ../shared (the model and the data are generated).
 */
import { describe, expect, inject, it } from 'vitest';
import type { FinetuneRequest, FinetuneRun } from '../../test/browser/finetune.worker.js';

/** A dedicated worker, as far as this test uses it (this package's type check has no DOM lib). */
interface BrowserWorker {
  onmessage: ((event: { data: { ok: true; result: FinetuneRun } | { ok: false; error: string } }) => void) | null;
  onerror: ((event: { message: string }) => void) | null;
  postMessage(message: unknown): void;
  terminate(): void;
}
// Vite bundles a worker only from the literal `new Worker(new URL(…, import.meta.url), …)`, so the global is declared here.
declare const Worker: new (url: URL, options: { type: 'module' }) => BrowserWorker;

function finetuneInWorker(request: FinetuneRequest): Promise<FinetuneRun> {
  const worker = new Worker(new URL('../../test/browser/finetune.worker.ts', import.meta.url), { type: 'module' });
  return new Promise<FinetuneRun>((resolve, reject) => {
    worker.onmessage = ({ data }) => (data.ok ? resolve(data.result) : reject(new Error(`the worker failed: ${data.error}`)));
    worker.onerror = (event) => reject(new Error(`the worker failed to start: ${event.message}`));
    worker.postMessage(request);
  }).finally(() => worker.terminate());
}

describe('finetuneDecoder in a Web Worker (onnxruntime-web WASM)', () => {
  it('learns the tiny generated task: the training loss falls and the validation IoU rises', async () => {
    const epochs = 30;
    const run = await finetuneInWorker({
      wasmPaths: `${inject('fixtureOrigin')}/ort/`,
      threads: 2,
      trainScenes: 24,
      validationScenes: 6,
      options: { epochs, batchSize: 8, learningRate: 3e-2, finalLearningRate: 3e-3, negativeRate: 0 },
    });
    expect(run.threads).toBe(2);
    expect(run.examples).toEqual({ train: 24, validation: 6 });
    expect(run.history.map((r) => r.epoch)).toEqual(Array.from({ length: epochs + 1 }, (_, i) => i));
    expect(run.stepLosses).toHaveLength(epochs * 3);
    const losses = run.history.slice(1).map((r) => r.trainLoss!);
    const ious = run.history.map((r) => r.validationIoU!);
    console.info(`worker finetune: train loss ${losses.map((l) => l.toFixed(3)).join(' ')}; validation IoU ${ious.map((v) => v.toFixed(2)).join(' ')}; ${(run.ms / 1000).toFixed(1)} s`);
    expect(losses.at(-1)).toBeLessThan(losses[0]! * 0.7);
    expect(ious[0]).toBeLessThan(0.3);
    expect(ious.at(-1)).toBeGreaterThan(ious[0]! + 0.4);
  }, 300_000);
});

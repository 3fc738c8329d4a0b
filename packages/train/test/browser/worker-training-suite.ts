/**
 * The browser training tests' suite: decoder training inside a Web Worker in Chromium, on onnxruntime-web (2 WASM
 * threads; WebGPU where asked and present) through runtime-web's backend, against the PyTorch training goldens
 * (`golden/training/`, README "Training"): the `decoder.` case's loss and every decoder gradient, and the `adamw.`
 * case's three losses and parameters after step 3 — the same checks and tolerances as the Node golden test
 * (src/training/decoder-training.golden.test.ts) on onnxruntime-node.
 *
 * The page builds the batch from the golden inputs and hands it to the worker as a Blob URL; the worker
 * (decoder-training.worker.ts) computes the frozen CLIP features and trains.
 */
import { bytesSource, createTensor, openSafetensors, writeSafetensors, type SafetensorsReader, type Tensor } from '@clipseg/core';
import { describeWithShared } from '@clipseg/core/testing';
import { beforeAll, expect, inject, it } from 'vitest';
import type { TrainRequest, TrainResult } from './decoder-training.worker.js';

/** A dedicated worker, as far as this test uses it (this package's type check has no DOM lib). */
interface BrowserWorker {
  onmessage: ((event: { data: { ok: true; result: TrainResult } | { ok: false; error: string } }) => void) | null;
  onerror: ((event: { message: string }) => void) | null;
  postMessage(message: unknown): void;
  terminate(): void;
}
// Vite bundles a worker only from the literal `new Worker(new URL(…, import.meta.url), …)`, so the global is declared here.
declare const Worker: new (url: URL, options: { type: 'module' }) => BrowserWorker;
const blobUrls = URL as unknown as { createObjectURL(blob: Blob): string; revokeObjectURL(url: string): void };

interface GradientCase {
  readonly loss_fp64: number;
  readonly grad_names: string[];
  readonly grad_max_abs: Record<string, number>;
}
interface GoldenJson {
  readonly cases: { readonly decoder: GradientCase; readonly adamw: { readonly losses_fp64: number[] } };
}

const LR = 1e-3;
const origin = inject('fixtureOrigin');
const shared = (path: string) => `${origin}/shared/${path}`;

async function fetchBytes(url: string): Promise<Uint8Array<ArrayBuffer>> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}
const openRemote = async (url: string): Promise<SafetensorsReader> => openSafetensors(bytesSource(await fetchBytes(url)));
const floats = async (reader: SafetensorsReader, name: string): Promise<Float32Array> => ((await reader.read(name)) as Tensor<'float32'>).data;

/** Runs one training request in a fresh worker. */
function trainInWorker(request: TrainRequest): Promise<TrainResult> {
  const worker = new Worker(new URL('./decoder-training.worker.ts', import.meta.url), { type: 'module' });
  return new Promise<TrainResult>((resolve, reject) => {
    worker.onmessage = ({ data }) => (data.ok ? resolve(data.result) : reject(new Error(`the worker failed: ${data.error}`)));
    worker.onerror = (event) => reject(new Error(`the worker failed to start: ${event.message}`));
    worker.postMessage(request);
  }).finally(() => worker.terminate());
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k]! - b[k]!));
  return Number.isNaN(m) ? Infinity : m;
}

/** Options of {@link workerTrainingSuite}. */
export interface WorkerTrainingSuiteOptions {
  /** `beforeAll` budget (the worker's whole run), ms. */
  readonly timeout?: number;
}

/** Registers the suite for `provider` (`webgpu` must run in the chromium-webgpu instance: `*.webgpu.browser.test.ts`). */
export function workerTrainingSuite(label: string, provider: TrainRequest['provider'], options: WorkerTrainingSuiteOptions = {}): void {
  describeWithShared(`decoder training in a Web Worker (${label}) against the PyTorch training goldens`, () => {
    let result: TrainResult;
    let golden: SafetensorsReader;
    let checkpoint: SafetensorsReader;
    let json: GoldenJson;

    beforeAll(async () => {
      golden = await openRemote(shared('golden/training/clipseg-tiny-refined.safetensors'));
      checkpoint = await openRemote(shared('golden/clipseg-tiny-refined/model.safetensors'));
      json = JSON.parse(new TextDecoder().decode(await fetchBytes(shared('golden/training/clipseg-tiny-refined.json')))) as GoldenJson;
      // The golden batch: the two prompts, chelsea (row 0) and the example image (row 1), the disk and box targets.
      const pixelRows = await Promise.all(['chelsea', 'clipseg_example_image'].map(async (image) => floats(await openRemote(shared(`golden/processor/${image}.safetensors`)), 'pixel_values')));
      const pixels = new Float32Array(pixelRows[0]!.length * 2);
      pixels.set(pixelRows[0]!, 0);
      pixels.set(pixelRows[1]!, pixelRows[0]!.length);
      const ids = (await golden.read('inputs.input_ids')) as Tensor<'int64'>;
      const batch = writeSafetensors({ input_ids: ids, pixel_values: createTensor('float32', [2, 3, 352, 352], pixels), target: (await golden.read('inputs.target')) as Tensor<'float32'> });
      const batchUrl = blobUrls.createObjectURL(new Blob([batch as Uint8Array<ArrayBuffer>]));
      try {
        result = await trainInWorker({ checkpoint: shared('golden/clipseg-tiny-refined/'), batch: batchUrl, provider, wasmPaths: `${origin}/ort/`, threads: 2, steps: 3, lr: LR });
      } finally {
        blobUrls.revokeObjectURL(batchUrl);
      }
    }, options.timeout ?? 300_000);

    it(`runs on onnxruntime-web ${provider} with 2 WASM threads (the page is cross-origin isolated)`, () => {
      expect(result.threads).toBe(2);
      expect(result.executionProvider, result.fallbackReason).toBe(provider);
    });

    it('decoder.: the first step gives the loss within 1e-6 and every decoder gradient within tolerance', async () => {
      const c = json.cases.decoder;
      expect(Math.abs(result.losses[0]! - c.loss_fp64)).toBeLessThan(1e-6);
      expect(Object.keys(result.firstGradients).sort()).toEqual([...c.grad_names].sort());
      let worst = 0;
      for (const name of c.grad_names) {
        const tolerance = Math.max(1e-4 * c.grad_max_abs[name]!, 1e-6);
        const diff = maxAbsDiff(result.firstGradients[name]!, await floats(golden, `decoder.grad.${name}`));
        worst = Math.max(worst, diff / tolerance);
        expect(diff, name).toBeLessThanOrEqual(tolerance);
      }
      console.info(`worker (${provider}) decoder.: |loss − golden| ${Math.abs(result.losses[0]! - c.loss_fp64).toExponential(2)}, worst gradient error ${(worst * 100).toFixed(1)} % of its tolerance; step times ${result.stepMs.map((t) => t.toFixed(0)).join(', ')} ms`);
    });

    it('adamw.: three AdamW steps give the three losses within 1e-6 and the parameters within 1e-5', async () => {
      const expected = json.cases.adamw.losses_fp64;
      expect(result.losses).toHaveLength(3);
      result.losses.forEach((loss, s) => expect(Math.abs(loss - expected[s]!), `loss ${s + 1}`).toBeLessThan(1e-6));
      expect(Object.keys(result.parameters).sort()).toEqual([...json.cases.decoder.grad_names].sort());
      let worst = 0;
      for (const [name, p] of Object.entries(result.parameters)) {
        if (name.endsWith('k_proj.bias')) {
          // Gradient zero up to rounding: Adam's normalised step follows the noise; any value within 3 lr of the start.
          expect(maxAbsDiff(p, await floats(checkpoint, name)), name).toBeLessThanOrEqual(3 * LR);
          continue;
        }
        worst = Math.max(worst, maxAbsDiff(p, await floats(golden, `adamw.step3.${name}`)));
      }
      expect(worst).toBeLessThan(1e-5);
      console.info(`worker (${provider}) adamw.: losses ${result.losses.map((l, s) => Math.abs(l - expected[s]!).toExponential(2)).join(', ')} from the golden; step3 max |Δp| ${worst.toExponential(2)}`);
    });
  });
}

// The worker of the browser training tests (src/browser-test/): decoder fine-tuning inside a Web Worker, on
// onnxruntime-web's WASM build through runtime-web's backend — the same @clipseg/train code the Node golden tests run
// on onnxruntime-node. It reads an HF checkpoint folder and a batch by URL, computes the frozen CLIP features (vision
// activations, text embeddings) on the same backend, then runs `steps` DecoderTrainer + AdamW steps.
import { buildGraphs, checkGraphConfig, openCheckpoint, type CLIPSegGraphConfig } from '@clipseg/convert';
import { bytesSource, createTensor, memoryFileSet, openSafetensors, type Tensor } from '@clipseg/core';
import { createWasmBackend } from '@clipseg/runtime-web/wasm';
import { createWebGpuBackend } from '@clipseg/runtime-web/webgpu';
import { AdamW, buildDecoderTrainingGraph, DecoderTrainer, type DecoderTrainingExample } from '@clipseg/train';

/** What the page asks the worker to do. */
export interface TrainRequest {
  /** An HF checkpoint folder URL, ending in `/` (config.json, model.safetensors). */
  readonly checkpoint: string;
  /**
   * A safetensors file URL with the batch: `input_ids` int64 `[examples, L]` (one text prompt per example),
   * `pixel_values` float32 `[examples, 3, H, W]` (processed query images), `target` float32 `[examples, H, W]`.
   */
  readonly batch: string;
  /** `wasm` (onnxruntime-web's WASM build) or `webgpu` (its WebGPU build: WebGPU when an adapter exists). */
  readonly provider: 'wasm' | 'webgpu';
  /** Where onnxruntime-web's `.wasm` files are served. */
  readonly wasmPaths: string;
  readonly threads: number;
  readonly steps: number;
  readonly lr: number;
}

/** What the worker posts back: `{ ok: true, result }` or `{ ok: false, error }`. */
export interface TrainResult {
  /** WASM threads onnxruntime-web runs on. */
  readonly threads: number;
  /** The execution provider the frozen CLIP sessions ran on (`webgpu` or `wasm`), and why not WebGPU when asked. */
  readonly executionProvider: string;
  readonly fallbackReason?: string;
  /** The loss before each step. */
  readonly losses: number[];
  /** The first step's gradients by HF name (HF layout). */
  readonly firstGradients: Record<string, Float32Array>;
  /** The parameters after the last step, by HF name. */
  readonly parameters: Record<string, Float32Array>;
  /** Milliseconds of each step (DecoderTrainer.step + AdamW.step). */
  readonly stepMs: number[];
}

/** A worker's global scope, as far as this file uses it (this package's type check has no WebWorker lib). */
interface Scope {
  onmessage: ((event: { data: TrainRequest }) => void) | null;
  postMessage(message: unknown, transfer?: unknown[]): void;
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

async function train(request: TrainRequest): Promise<TrainResult> {
  const options = { wasmPaths: request.wasmPaths, numThreads: request.threads };
  const backend = request.provider === 'webgpu' ? createWebGpuBackend(options) : createWasmBackend(options);
  const { threads } = await backend.init();
  const config = JSON.parse(new TextDecoder().decode(await fetchBytes(`${request.checkpoint}config.json`))) as CLIPSegGraphConfig;
  checkGraphConfig(config);
  const files = memoryFileSet({ 'model.safetensors': await fetchBytes(`${request.checkpoint}model.safetensors`) }, request.checkpoint);
  const { reader } = await openCheckpoint(files);
  const batchFile = await openSafetensors(bytesSource(await fetchBytes(request.batch)));
  const [ids, pixels, targets] = await Promise.all(['input_ids', 'pixel_values', 'target'].map((name) => batchFile.read(name)));
  const [examples, , height, width] = pixels!.dims as [number, number, number, number];
  const imageSize = { height, width };

  // Frozen CLIP: the vision tower's activations and the text embeddings, on the same backend.
  const graph = await buildDecoderTrainingGraph(config, { imageSize });
  const built = await buildGraphs(config, reader, { imageSize, optionalGraphs: [] });
  const text = await backend.createSession(built.graphs.text_encoder);
  const vision = await backend.createSession(built.graphs.vision_encoder);
  const batch: DecoderTrainingExample[] = [];
  const { executionProvider, fallbackReason } = vision.info;
  try {
    const embeds = (await text.run({ input_ids: ids as Tensor<'int64'> }))['text_embeds']!.data as Float32Array;
    const P = graph.projectionDim;
    const pixelCount = height * width;
    const imageValues = 3 * pixelCount;
    for (let i = 0; i < examples; i++) {
      const px = (pixels!.data as Float32Array).slice(i * imageValues, (i + 1) * imageValues);
      const out = await vision.run({ pixel_values: createTensor('float32', [1, 3, height, width], px) });
      batch.push({
        activations: graph.activations.map((name) => out[name] as Tensor<'float32'>),
        conditionalEmbeddings: embeds.slice(i * P, (i + 1) * P),
        targets: (targets!.data as Float32Array).slice(i * pixelCount, (i + 1) * pixelCount),
      });
    }
  } finally {
    await Promise.all([text.dispose(), vision.dispose()]);
  }

  // Decoder fine-tuning: the same calls as in Node.
  const trainer = await DecoderTrainer.create(backend, graph, (name) => reader.readFloat32(name));
  try {
    const optimizer = new AdamW({ lr: request.lr, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01 });
    const losses: number[] = [];
    const stepMs: number[] = [];
    let firstGradients: Record<string, Float32Array> = {};
    for (let s = 0; s < request.steps; s++) {
      const started = performance.now();
      const { loss, gradients } = await trainer.step(batch);
      optimizer.step(trainer.parameters, gradients);
      stepMs.push(performance.now() - started);
      losses.push(loss);
      if (s === 0) firstGradients = Object.fromEntries(gradients);
    }
    return { threads, executionProvider, ...(fallbackReason === undefined ? {} : { fallbackReason }), losses, firstGradients, parameters: Object.fromEntries(trainer.parameters), stepMs };
  } finally {
    await trainer.dispose();
  }
}

const scope = globalThis as unknown as Scope;
scope.onmessage = (event) => {
  train(event.data).then(
    (result) => scope.postMessage({ ok: true, result }),
    (error: unknown) => scope.postMessage({ ok: false, error: error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error) }),
  );
};

import type { Backend } from '@clipseg/core';
import { createWebBackend, loadCLIPSeg, type WebCLIPSeg } from '@clipseg/runtime-web';
import { PlaygroundError } from '../errors/playground-error.js';
import { summarizeBackend, type BackendSummary } from './backend-summary.js';
import { describeChoice, type BackendChoice, type ModelChoice } from './model-choice.js';

/** Where the built-in model is served, relative to the app's base URL (see the server's `DEFAULT_MODEL_PATH`). */
export const BUILTIN_MODEL_PATH = 'models/default-tiny-random/';

/** A step of a model load, for the progress bar. */
export interface ModelLoadProgress {
  /** Done so far, in [0, 1], when known. */
  readonly fraction?: number;
  /** What is happening. */
  readonly message: string;
}

/** A loaded model and what it runs on. */
export interface LoadedModel {
  /** The pipeline. */
  readonly seg: WebCLIPSeg;
  /** Where it came from. */
  readonly label: string;
  /** True for the built-in random model: its masks are not meaningful. */
  readonly untrained: boolean;
  /** The execution provider and threads in use. */
  readonly backend: BackendSummary;
  /** How long the load took, in ms. */
  readonly loadMs: number;
}

/** Options of {@link loadModel}. */
export interface LoadModelOptions {
  /** The onnxruntime-web build. */
  readonly backend: BackendChoice;
  /** The app's base URL (where the built-in model lives). */
  readonly baseUrl: string;
  /** Cancels the download, the conversion and the load. */
  readonly signal?: AbortSignal;
  /** Progress of downloads and conversion. */
  readonly onProgress?: (progress: ModelLoadProgress) => void;
  /** Fallback notices of the runtime (no WebGPU adapter …). */
  readonly onWarning?: (message: string) => void;
}

const backends = new Map<BackendChoice, Promise<Backend>>();

/**
 * The backend of a {@link BackendChoice}, one per choice and page (onnxruntime-web's settings are global to its
 * build). The WASM-only build is imported on demand, in its own chunk.
 */
function backendFor(choice: BackendChoice, onWarning?: (message: string) => void): Promise<Backend> {
  let backend = backends.get(choice);
  if (backend === undefined) {
    // Two threads already help on two cores (onnxruntime-web's own default would use one there).
    const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
    const options = { numThreads: Math.max(1, Math.min(4, cores)), ...(onWarning === undefined ? {} : { onWarning }) };
    backend = choice === 'wasm' ? import('@clipseg/runtime-web/wasm').then((m) => m.createWasmBackend(options)) : Promise.resolve(createWebBackend(options));
    backends.set(choice, backend);
  }
  return backend;
}

/** `url` as an absolute http(s) folder URL. */
export function folderUrl(url: string, base: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url.trim(), base);
  } catch {
    throw new PlaygroundError('PLAYGROUND_MODEL_URL_INVALID', `'${url}' is not a URL. Give the address of the folder, for example https://example.com/models/rd64-refined.bundle/.`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new PlaygroundError('PLAYGROUND_MODEL_URL_INVALID', `'${url}' is not an http(s) address. Give the address of the folder on a web server, or pick local files instead.`);
  }
  parsed.pathname = parsed.pathname.replace(/\/(manifest|config)\.json$/, '/');
  if (!parsed.pathname.endsWith('/')) parsed.pathname += '/';
  return parsed.href;
}

function checkFiles(files: readonly File[]): readonly File[] {
  if (files.length === 0) throw new PlaygroundError('PLAYGROUND_NO_FILES', 'No files were picked: pick the files of the model (or its folder) and load again.');
  return files;
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/**
 * Loads the model of `choice` on the chosen backend: bundles straight from a URL (with progress, integrity checks
 * and the browser cache) or from picked files; HF checkpoints are converted in the page first (cached too).
 *
 * @throws the toolkit's typed errors (`WebLoadError`, `BundleError`, `ConvertError`, `BackendError` …) and
 *   {@link PlaygroundError} for bad input
 */
export async function loadModel(choice: ModelChoice, options: LoadModelOptions): Promise<LoadedModel> {
  const started = performance.now();
  const { signal, onProgress } = options;
  const downloading = { onProgress: (p: { file: string; loaded: number; overall?: { fraction: number; loaded: number; total: number } }) => onProgress?.({ ...(p.overall ? { fraction: p.overall.fraction } : {}), message: p.overall ? `downloading ${p.file} (${mb(p.overall.loaded)} of ${mb(p.overall.total)})` : `downloading ${p.file}` }) };
  onProgress?.({ fraction: 0, message: 'starting the runtime' });
  const backend = await backendFor(options.backend, options.onWarning);
  let source: Parameters<typeof loadCLIPSeg>[0];
  switch (choice.kind) {
    case 'builtin':
      source = new URL(BUILTIN_MODEL_PATH, options.baseUrl).href;
      break;
    case 'bundle-url':
      source = folderUrl(choice.url, options.baseUrl);
      break;
    case 'bundle-files':
      source = checkFiles(choice.files);
      break;
    case 'checkpoint-url':
    case 'checkpoint-files': {
      const { convertInBrowser } = await import('@clipseg/runtime-web/convert');
      const checkpoint = choice.kind === 'checkpoint-url' ? folderUrl(choice.url, options.baseUrl) : checkFiles(choice.files);
      onProgress?.({ message: 'reading the checkpoint (large checkpoints take a while)' });
      const converted = await convertInBrowser(checkpoint, {
        dtype: choice.dtype,
        ...(signal ? { signal } : {}),
        onProgress: (p) => onProgress?.(p.phase === 'graphs' ? { fraction: (p.graphIndex + p.tensorsDone / Math.max(1, p.tensorsTotal)) / p.graphCount, message: `converting: writing ${p.graph}` } : { message: `converting: ${p.phase === 'hash' ? `hashing ${p.file}` : `checking ${p.graph}`}` }),
      });
      source = converted.files;
      break;
    }
  }
  const seg = await loadCLIPSeg(source, { backend, ...(signal ? { signal } : {}), ...downloading });
  return { seg, label: describeChoice(choice), untrained: choice.kind === 'builtin', backend: summarizeBackend(seg.sessionInfo.decoder), loadMs: performance.now() - started };
}

import { BackendError, checkSessionOptions, checkThreadCount, type Backend, type ModelSource, type Session, type SessionOptions } from '@clipseg/core';
import { createOrtSession } from '@clipseg/core/ort';
import type * as Ort from 'onnxruntime-web';
import { ortNamespace, type OrtWebFlavour, type OrtWebLoader, type OrtWebModule } from './ort-web-module.js';
import { RunQueue } from './run-queue.js';
import { toOrtTensor } from './to-ort-tensor.js';
import type { WebBackendOptions } from './web-backend-options.js';
import { detectWebEnvironment, planThreads, type WebEnvironment } from './web-environment.js';
import type { WebSessionInfo } from './web-session-info.js';
import { probeWebGpuAdapter } from './webgpu-adapter.js';

/** What a web backend found when it started onnxruntime-web (see {@link WebBackend.init}). */
export interface WebBackendStatus {
  /** Which onnxruntime-web build this backend loads. */
  readonly flavour: OrtWebFlavour;
  /** onnxruntime-web's version. */
  readonly ortVersion: string;
  /** The page's capabilities. */
  readonly environment: WebEnvironment;
  /** WASM threads in use. */
  readonly threads: number;
  /** Why fewer WASM threads than asked, when so. */
  readonly threadsReason?: string;
  /** Whether a WebGPU adapter was found (only probed by the WebGPU-capable builds), and why not. */
  readonly webgpu: { readonly available: boolean; readonly reason?: string };
}

/** A core {@link Backend} over onnxruntime-web. */
export interface WebBackend extends Backend {
  /** Which onnxruntime-web build this backend loads. */
  readonly flavour: OrtWebFlavour;
  /**
   * Loads onnxruntime-web (its own chunk), configures it (`wasmPaths`, threads, log level) and probes WebGPU.
   * The first `createSession` calls it; call it earlier to report capabilities. Idempotent.
   *
   * @throws {@link BackendError} `BACKEND_INIT_FAILED` when onnxruntime-web cannot load or the browser lacks WebAssembly SIMD
   */
  init(): Promise<WebBackendStatus>;
}

interface OrtState {
  readonly queue: RunQueue;
  threads?: number;
  threadsReason?: string;
}

// One onnxruntime-web module = one WebAssembly instance: its env is configured once and its runs are serialised.
const ortStates = new WeakMap<OrtWebModule, OrtState>();

const BACKEND_NAME = 'onnxruntime-web';
const LOG_SEVERITY = { verbose: 0, info: 1, warning: 2, error: 3, fatal: 4 } as const;
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

function initFailed(detail: string, cause?: unknown): BackendError {
  return new BackendError(
    'BACKEND_INIT_FAILED',
    `onnxruntime-web could not start: ${detail}. Check that the app serves onnxruntime-web's ort-wasm-simd-threaded*.wasm files and that wasmPaths points at them (see @clipseg/runtime-web's README).`,
    { cause },
  );
}

function configure(ort: OrtWebModule, options: WebBackendOptions, environment: WebEnvironment): OrtState {
  let state = ortStates.get(ort);
  if (state !== undefined) return state;
  state = { queue: new RunQueue() };
  const plan = planThreads(environment, options.numThreads);
  ort.env.logLevel = options.logLevel ?? 'error';
  if (options.wasmPaths !== undefined) ort.env.wasm.wasmPaths = options.wasmPaths as Ort.Env.WasmPrefixOrFilePaths;
  ort.env.wasm.numThreads = plan.threads;
  state.threads = plan.threads;
  if (plan.reason !== undefined) state.threadsReason = plan.reason;
  ortStates.set(ort, state);
  return state;
}

function wantedProviders(flavour: OrtWebFlavour, backendOptions: WebBackendOptions, options: SessionOptions | undefined): { wanted: string[]; providers: string[]; dropped: string[] } {
  const defaults = flavour === 'wasm' ? ['wasm'] : ['webgpu', 'wasm'];
  const wanted = (options?.executionProviders ?? backendOptions.executionProviders ?? defaults).map((p) => (p.toLowerCase() === 'cpu' ? 'wasm' : p.toLowerCase()));
  const known = flavour === 'wasm' ? ['wasm'] : ['webgpu', 'wasm'];
  const providers = [...new Set(wanted.filter((p) => known.includes(p)))];
  const dropped = wanted.filter((p) => !known.includes(p));
  return { wanted, providers: providers.length > 0 ? providers : ['wasm'], dropped };
}

/**
 * Builds a web backend over the onnxruntime-web flavour that `load` imports. The subpath entries
 * (`@clipseg/runtime-web`, `/wasm`, `/webgpu`) call it with their own `import()`.
 *
 * @throws {@link BackendError} `BACKEND_INVALID_OPTION` when `numThreads` is not 0 (the default) or an integer from
 *   1 to `MAX_SESSION_THREADS`; `createSession` throws it for bad session options
 * @internal
 */
export function createOrtWebBackend(flavour: OrtWebFlavour, load: OrtWebLoader, backendOptions: WebBackendOptions = {}): WebBackend {
  if (backendOptions.numThreads !== undefined && backendOptions.numThreads !== 0) checkThreadCount(backendOptions.numThreads, 'numThreads');
  const warn = backendOptions.onWarning ?? (() => undefined);
  let starting: Promise<{ ort: OrtWebModule; state: OrtState; status: WebBackendStatus }> | undefined;

  const start = () => {
    starting ??= (async () => {
      const environment = detectWebEnvironment();
      if (!environment.wasmSimd) throw initFailed('this browser does not support WebAssembly SIMD, which onnxruntime-web 1.30 requires');
      let ort: OrtWebModule;
      try {
        ort = ortNamespace(await load());
      } catch (error) {
        throw initFailed(`importing onnxruntime-web failed (${message(error)})`, error);
      }
      const state = configure(ort, backendOptions, environment);
      let webgpu: WebBackendStatus['webgpu'] = { available: false, reason: 'not probed: this is the WASM-only build (@clipseg/runtime-web/wasm)' };
      if (flavour !== 'wasm') {
        const probe = await probeWebGpuAdapter(backendOptions.powerPreference);
        webgpu = probe.adapter !== undefined ? { available: true } : { available: false, reason: probe.reason };
        if (probe.adapter !== undefined && ort.env.webgpu.adapter === undefined) ort.env.webgpu.adapter = probe.adapter as Ort.Env.WebGpuFlags['adapter'];
      }
      if (state.threadsReason !== undefined && backendOptions.numThreads !== undefined && backendOptions.numThreads > 1) {
        warn(`onnxruntime-web: WASM uses ${state.threads ?? 1} thread(s): ${state.threadsReason}.`);
      }
      const status: WebBackendStatus = {
        flavour,
        ortVersion: ort.env.versions.web ?? ort.env.versions.common,
        environment,
        threads: state.threads ?? 1,
        ...(state.threadsReason === undefined ? {} : { threadsReason: state.threadsReason }),
        webgpu,
      };
      return { ort, state, status };
    })();
    starting.catch(() => (starting = undefined)); // a failed start is retried on the next call
    return starting;
  };

  return {
    name: BACKEND_NAME,
    flavour,
    async init() {
      return (await start()).status;
    },
    async createSession(model: ModelSource, options?: SessionOptions): Promise<Session> {
      checkSessionOptions(options);
      const { ort, state, status } = await start();
      const { wanted, providers, dropped } = wantedProviders(flavour, backendOptions, options);
      const reasons = dropped.map((p) => (p === 'webgpu' ? 'webgpu is not in the WASM-only build (use @clipseg/runtime-web/webgpu)' : `${p} is not an onnxruntime-web execution provider`));
      const attempts: string[] = [];
      for (const provider of providers) {
        if (provider === 'webgpu' && !status.webgpu.available) reasons.push(`webgpu: ${status.webgpu.reason ?? 'no adapter'}`);
        else attempts.push(provider);
      }
      if (!attempts.includes('wasm')) attempts.push('wasm');
      const bytes = typeof model === 'string' ? model : model instanceof Uint8Array ? model : new Uint8Array(model);
      let lastError: unknown;
      for (const provider of attempts) {
        const sessionOptions: Ort.InferenceSession.SessionOptions = {
          executionProviders: [provider],
          graphOptimizationLevel: options?.graphOptimizationLevel ?? 'all',
          logSeverityLevel: LOG_SEVERITY[backendOptions.logLevel ?? 'error'],
        };
        let session: Ort.InferenceSession;
        try {
          // Creation goes through the queue too: it touches the same WebAssembly instance as runs do.
          session = await state.queue.push(() =>
            typeof bytes === 'string' ? ort.InferenceSession.create(bytes, sessionOptions) : ort.InferenceSession.create(bytes, sessionOptions),
          );
        } catch (error) {
          lastError = error;
          if (/no available backend/i.test(message(error))) throw initFailed(message(error), error);
          if (provider !== 'wasm') reasons.push(`${provider} failed: ${message(error)}`);
          continue;
        }
        const preferred = wanted[0] ?? providers[0]!;
        const fallbackReason = provider !== preferred ? reasons.join('; ') || `${preferred} failed to start` : undefined;
        if (fallbackReason !== undefined) warn(`onnxruntime-web: using ${provider} (${fallbackReason}).`);
        const info: WebSessionInfo = {
          backend: BACKEND_NAME,
          executionProvider: provider as 'webgpu' | 'wasm',
          threads: status.threads,
          ...(fallbackReason === undefined ? {} : { fallbackReason }),
          ...(status.threadsReason === undefined ? {} : { threadsReason: status.threadsReason }),
        };
        // Runs and the release go through the module's queue: a run accepted before dispose() still completes.
        return createOrtSession(session, info, { runtime: 'onnxruntime-web', toOrtTensor: (tensor) => toOrtTensor(ort, tensor), schedule: (task) => state.queue.push(task) });
      }
      const what = typeof model === 'string' ? `'${model}'` : 'the given bytes';
      throw new BackendError(
        'BACKEND_INVALID_MODEL',
        `onnxruntime-web could not load ${what} as an ONNX model: ${message(lastError)}. Check that it is a complete ONNX model (re-convert or re-download the bundle).`,
        { cause: lastError },
      );
    },
  };
}

import { BackendError, checkSessionOptions, type Backend, type ModelSource, type Session, type SessionOptions } from '@clipseg/core';
import { createOrtSession } from '@clipseg/core/ort';
import * as ort from 'onnxruntime-node';
import { keepOrtTelemetryOff } from './ort-telemetry.js';
import { toOrtTensor } from './to-ort-tensor.js';

/** Options of {@link createNodeBackend}. */
export interface NodeBackendOptions {
  /** Receives one line when a preferred execution provider is unavailable and the backend falls back. */
  readonly onWarning?: (message: string) => void;
  /**
   * Let onnxruntime's intra-op threads spin (busy-wait for work) after a parallel section instead of sleeping.
   * Default false: a CLIPSeg pipeline runs several sessions one after another (text_encoder, then decoder), and the
   * spinning threads of the session that just finished took the CPU from the next one. On 2 cores a new prompt on
   * an encoded image went from 49.7 to 22.6 ms and one image × one prompt from 506 to 457 ms with spinning off; the
   * image encode alone did not change beyond noise (docs/benchmarks.md). Set true for a backend that runs one
   * session at a time.
   */
  readonly intraOpSpinning?: boolean;
}

const BACKEND_NAME = 'onnxruntime-node';

/** Execution providers this onnxruntime-node build ships, e.g. `['cpu', 'webgpu']`. */
export function availableExecutionProviders(): string[] {
  return ort
    .listSupportedBackends()
    .filter((b) => b.bundled)
    .map((b) => b.name);
}

function toOrtOptions(options: SessionOptions | undefined, providers: readonly string[], spinning: boolean): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: [...providers],
    graphOptimizationLevel: options?.graphOptimizationLevel ?? 'all',
    extra: { session: { intra_op: { allow_spinning: spinning ? '1' : '0' } } },
    ...(options?.intraOpNumThreads === undefined ? {} : { intraOpNumThreads: options.intraOpNumThreads }),
    ...(options?.interOpNumThreads === undefined ? {} : { interOpNumThreads: options.interOpNumThreads }),
  };
}

async function load(model: ModelSource, options: ort.InferenceSession.SessionOptions): Promise<ort.InferenceSession> {
  if (typeof model === 'string') return ort.InferenceSession.create(model, options);
  const bytes = model instanceof Uint8Array ? model : new Uint8Array(model);
  return ort.InferenceSession.create(bytes, options);
}

/**
 * The onnxruntime-node backend. Execution providers come from
 * `SessionOptions.executionProviders` (default `['cpu']`); any this build does
 * not ship, or that fail to start, are dropped with a warning and the session
 * falls back to CPU, reporting why in `session.info.fallbackReason`.
 *
 * Thread counts must be integers from 1 to `MAX_SESSION_THREADS` (256), and onnxruntime's telemetry is kept off
 * (`ORT_DISABLE_TELEMETRY`, see {@link keepOrtTelemetryOff}): its Linux client crashes the process when the
 * command line is long.
 *
 * @throws {@link BackendError} `BACKEND_INVALID_OPTION` from `createSession` for bad session options
 */
export function createNodeBackend(backendOptions: NodeBackendOptions = {}): Backend {
  const warn = backendOptions.onWarning ?? (() => {});
  const spinning = backendOptions.intraOpSpinning ?? false;
  return {
    name: BACKEND_NAME,
    readsFilePaths: true,
    async createSession(model: ModelSource, options?: SessionOptions): Promise<Session> {
      checkSessionOptions(options);
      keepOrtTelemetryOff(warn);
      const wanted = (options?.executionProviders ?? ['cpu']).map((p) => p.toLowerCase());
      const available = new Set(availableExecutionProviders());
      const usable = wanted.filter((p) => available.has(p));
      const reasons: string[] = wanted.filter((p) => !available.has(p)).map((p) => `${p} is not available in this onnxruntime-node build`);
      const attempts = usable.length > 0 && usable[0] !== 'cpu' ? [usable, ['cpu']] : [['cpu']];
      let lastError: unknown;
      for (const providers of attempts) {
        try {
          const session = await load(model, toOrtOptions(options, providers, spinning));
          const provider = providers[0]!;
          const fallbackReason = provider !== wanted[0] ? reasons.join('; ') || `${wanted[0]} failed to start` : undefined;
          if (fallbackReason) warn(`onnxruntime-node: using ${provider} (${fallbackReason}).`);
          const info = { backend: BACKEND_NAME, executionProvider: provider, ...(fallbackReason ? { fallbackReason } : {}) };
          return createOrtSession(session, info, { runtime: 'onnxruntime', toOrtTensor });
        } catch (error) {
          lastError = error;
          if (providers[0] !== 'cpu') reasons.push(`${providers[0]} failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      const what = typeof model === 'string' ? `'${model}'` : 'the given bytes';
      throw new BackendError(
        'BACKEND_INVALID_MODEL',
        `onnxruntime-node could not load ${what} as an ONNX model: ${lastError instanceof Error ? lastError.message : String(lastError)}. Check that the file is a complete ONNX model (re-convert the bundle if needed).`,
        { cause: lastError },
      );
    },
  };
}

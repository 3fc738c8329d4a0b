import type { Tensor } from '../tensor/tensor.js';
import type { TensorSpec } from '../tensor/tensor-spec.js';
import type { RunOptions, Session, SessionInfo } from './backend.js';
import { BackendError } from './backend-error.js';
import { ortTypeToDType, tensorFromOrt, type OrtLikeTensor } from './ort-tensor-interop.js';
import { validateRun } from './validate-feeds.js';

/** One entry of onnxruntime-common's `InferenceSession.inputMetadata` (no dependency on onnxruntime). */
export type OrtLikeValueMetadata =
  | { readonly name: string; readonly isTensor: false }
  | { readonly name: string; readonly isTensor: true; readonly type: string; readonly shape: readonly (number | string)[] };

/** An output of an onnxruntime run: a tensor that may hold native or GPU memory until disposed. */
export interface OrtLikeOutput extends OrtLikeTensor {
  /** Frees the tensor's memory (onnxruntime-common's `Tensor.dispose`). */
  dispose?(): void;
}

/**
 * The part of onnxruntime-common's `InferenceSession` that {@link createOrtSession} uses, typed structurally so that
 * core depends on no onnxruntime package: onnxruntime-node's and onnxruntime-web's sessions both fit it.
 *
 * @typeParam T - the runtime's own tensor class, which its `run` takes as feeds
 */
export interface OrtLikeSession<T> {
  /** Graph input names, in graph order. */
  readonly inputNames: readonly string[];
  /** Graph output names, in graph order. */
  readonly outputNames: readonly string[];
  /** Declared types and shapes of the inputs. */
  readonly inputMetadata: readonly OrtLikeValueMetadata[];
  /** Runs the graph on `feeds` and returns the `fetches`. */
  run(feeds: Record<string, T>, fetches: readonly string[]): Promise<Readonly<Record<string, OrtLikeOutput>>>;
  /** Frees the session. */
  release(): Promise<void>;
}

/** What differs between the runtimes that {@link createOrtSession} adapts. */
export interface OrtSessionAdapterOptions<T> {
  /** The runtime's name in `BACKEND_RUN_FAILED` messages, e.g. `'onnxruntime'` or `'onnxruntime-web'`. */
  readonly runtime: string;
  /** Wraps a core tensor as the runtime's tensor (without copying, where the runtime allows). */
  readonly toOrtTensor: (tensor: Tensor) => T;
  /**
   * Runs each run and the final release. Default: at once. onnxruntime-web passes its per-module queue, so that runs
   * never overlap and a release waits for the runs accepted before it.
   */
  readonly schedule?: <R>(task: () => Promise<R>) => Promise<R>;
}

const now = <R>(task: () => Promise<R>): Promise<R> => task();

/** The declared input specs of a session; non-tensor inputs and element types core does not model are left out. */
function ortInputSpecs(metadata: readonly OrtLikeValueMetadata[]): TensorSpec[] {
  return metadata.flatMap((m): TensorSpec[] => {
    if (!m.isTensor) return [];
    const type = ortTypeToDType(m.type);
    return type ? [{ name: m.name, type, dims: [...m.shape] }] : [];
  });
}

class OrtSession<T, I extends SessionInfo> implements Session {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputSpecs: readonly TensorSpec[];
  readonly info: I;
  readonly #options: OrtSessionAdapterOptions<T>;
  readonly #schedule: <R>(task: () => Promise<R>) => Promise<R>;
  #session: OrtLikeSession<T> | undefined;
  #releasing = false;
  #released: Promise<void> | undefined;

  constructor(session: OrtLikeSession<T>, info: I, options: OrtSessionAdapterOptions<T>) {
    this.#session = session;
    this.#options = options;
    this.#schedule = options.schedule ?? now;
    this.inputNames = [...session.inputNames];
    this.outputNames = [...session.outputNames];
    this.inputSpecs = ortInputSpecs(session.inputMetadata);
    this.info = info;
  }

  async run(feeds: Readonly<Record<string, Tensor>>, fetches?: readonly string[], options?: RunOptions): Promise<Record<string, Tensor>> {
    const session = this.#session;
    if (!session) throw new BackendError('BACKEND_SESSION_DISPOSED', 'This session was disposed; create a new one to run again.');
    const names = validateRun(this, feeds, fetches, options);
    const ortFeeds: Record<string, T> = {};
    for (const [name, tensor] of Object.entries(feeds)) ortFeeds[name] = this.#options.toOrtTensor(tensor);
    // A run accepted before dispose() still completes: dispose() schedules the release behind it.
    return this.#schedule(async () => {
      if (options?.signal?.aborted) throw new BackendError('BACKEND_ABORTED', 'The run was aborted before it started.', { cause: options.signal.reason });
      let results: Readonly<Record<string, OrtLikeOutput>>;
      try {
        results = await session.run(ortFeeds, [...names]);
      } catch (error) {
        // Without a queue the release may have started during the run, and is then why it failed.
        if (this.#releasing) throw new BackendError('BACKEND_SESSION_DISPOSED', 'The session was disposed during the run.', { cause: error });
        throw new BackendError('BACKEND_RUN_FAILED', `${this.#options.runtime} failed to run the graph: ${error instanceof Error ? error.message : String(error)}`, {
          cause: error,
        });
      }
      if (options?.signal?.aborted) {
        for (const value of Object.values(results)) value.dispose?.();
        throw new BackendError('BACKEND_ABORTED', 'The run was aborted; its results were discarded.', { cause: options.signal.reason });
      }
      const out: Record<string, Tensor> = {};
      for (const name of names) out[name] = tensorFromOrt(name, results[name]!);
      return out;
    });
  }

  dispose(): Promise<void> {
    const session = this.#session;
    this.#session = undefined;
    this.#released ??=
      session === undefined
        ? Promise.resolve()
        : this.#schedule(() => {
            this.#releasing = true;
            return session.release();
          });
    return this.#released;
  }
}

/**
 * Adapts an onnxruntime-common `InferenceSession` (onnxruntime-node, onnxruntime-web) to a core {@link Session}:
 * feeds are checked with {@link validateRun} before the runtime sees them, outputs come back as core tensors without
 * copying, an aborted run's outputs are disposed and it rejects with `BACKEND_ABORTED`, runtime failures become
 * `BACKEND_RUN_FAILED`, and `dispose()` releases the session once (later runs reject with `BACKEND_SESSION_DISPOSED`).
 * The backends keep only what differs: how sessions are created, their execution providers, and (web) the run queue.
 *
 * @param session - the runtime's session; the adapter owns it from now on and releases it on `dispose()`
 * @param info - what the session runs on, as the backend reports it
 * @param options - the runtime's name, tensor wrapper and (optionally) scheduler
 */
export function createOrtSession<T, I extends SessionInfo>(session: OrtLikeSession<T>, info: I, options: OrtSessionAdapterOptions<T>): Session & { readonly info: I } {
  return new OrtSession(session, info, options);
}

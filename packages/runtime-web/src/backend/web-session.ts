import { BackendError, ortTypeToDType, tensorFromOrt, validateRun, type OrtLikeTensor, type RunOptions, type Session, type Tensor, type TensorSpec } from '@clipseg/core';
import type * as Ort from 'onnxruntime-web';
import type { OrtWebModule } from './ort-web-module.js';
import type { RunQueue } from './run-queue.js';
import { toOrtTensor } from './to-ort-tensor.js';
import type { WebSessionInfo } from './web-session-info.js';

function specsOf(session: Ort.InferenceSession): TensorSpec[] {
  return session.inputMetadata.flatMap((m): TensorSpec[] => {
    if (!m.isTensor) return [];
    const type = ortTypeToDType(m.type);
    return type ? [{ name: m.name, type, dims: [...m.shape] }] : [];
  });
}

/** A core {@link Session} over an onnxruntime-web `InferenceSession`; runs go through the backend's queue. */
export class WebSession implements Session {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputSpecs: readonly TensorSpec[];
  readonly info: WebSessionInfo;
  readonly #ort: OrtWebModule;
  readonly #queue: RunQueue;
  #session: Ort.InferenceSession | undefined;
  #released: Promise<void> | undefined;

  /** @internal Made by the web backends. */
  constructor(ort: OrtWebModule, session: Ort.InferenceSession, info: WebSessionInfo, queue: RunQueue) {
    this.#ort = ort;
    this.#session = session;
    this.#queue = queue;
    this.inputNames = [...session.inputNames];
    this.outputNames = [...session.outputNames];
    this.inputSpecs = specsOf(session);
    this.info = info;
  }

  async run(feeds: Readonly<Record<string, Tensor>>, fetches?: readonly string[], options?: RunOptions): Promise<Record<string, Tensor>> {
    const session = this.#session;
    if (!session) throw new BackendError('BACKEND_SESSION_DISPOSED', 'This session was disposed; create a new one to run again.');
    const names = validateRun(this, feeds, fetches, options);
    const ortFeeds: Record<string, Ort.Tensor> = {};
    for (const [name, tensor] of Object.entries(feeds)) ortFeeds[name] = toOrtTensor(this.#ort, tensor);
    // A run accepted before dispose() still completes: dispose() queues the release behind it.
    return this.#queue.push(async () => {
      if (options?.signal?.aborted) throw new BackendError('BACKEND_ABORTED', 'The run was aborted before it started.', { cause: options.signal.reason });
      let results: Ort.InferenceSession.ReturnType;
      try {
        results = await session.run(ortFeeds, [...names]);
      } catch (error) {
        throw new BackendError('BACKEND_RUN_FAILED', `onnxruntime-web failed to run the graph: ${error instanceof Error ? error.message : String(error)}`, {
          cause: error,
        });
      }
      if (options?.signal?.aborted) {
        for (const value of Object.values(results)) (value as Ort.Tensor).dispose?.();
        throw new BackendError('BACKEND_ABORTED', 'The run was aborted; its results were discarded.', { cause: options.signal.reason });
      }
      const out: Record<string, Tensor> = {};
      for (const name of names) out[name] = tensorFromOrt(name, results[name] as OrtLikeTensor);
      return out;
    });
  }

  dispose(): Promise<void> {
    const session = this.#session;
    this.#session = undefined;
    // Release after the runs already queued: onnxruntime-web must not free a session in the middle of a run.
    this.#released ??= session === undefined ? Promise.resolve() : this.#queue.push(() => session.release());
    return this.#released;
  }
}

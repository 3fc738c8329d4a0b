import { createTensor, PipelineError, SegmentationResult, type BundleManifest, type ImageSize, type Prompt, type SessionInfo, type SessionOptions, type Tensor } from '@clipseg/core';
import type { PromptMask } from '@clipseg/processor';
import type { LoadProgressListener } from '../loading/load-progress.js';
import type { Integrity } from '../loading/verify-entry.js';
import type { Request, Response, WireLoaded, WireSegmentation, WireTensor, WorkerBackendOptions, WorkerBundleSource } from './protocol.js';
import { toWireImage, toWirePrompts, type WorkerImage } from './to-wire.js';
import { fromWireError } from './wire-errors.js';

/** The part of `Worker` that {@link CLIPSegWorker} uses. */
export interface WorkerLike {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  terminate?(): void;
}

/** Options of {@link CLIPSegWorker.load}. */
export interface CLIPSegWorkerLoadOptions {
  /** Backend options passed to the worker's backend factory (`wasmPaths`, `numThreads`, `executionProviders`). */
  readonly backend?: WorkerBackendOptions;
  /** Core's `verify` (default `'size'`). */
  readonly verify?: 'none' | 'size' | 'sha256';
  /** Core's text embedding cache size. */
  readonly textCacheSize?: number;
  /** Persistent cache in the worker: Cache Storage (`true`, default), OPFS (`'opfs'`) or none (`false`). */
  readonly cache?: boolean | 'opfs';
  /** How downloads are checked against the manifest (default `'sha256'`). */
  readonly integrity?: Integrity;
  /** Passed to every session. */
  readonly sessionOptions?: SessionOptions;
  /** Download progress, relayed from the worker. */
  readonly onProgress?: LoadProgressListener;
  /** Warnings, relayed from the worker. */
  readonly onWarning?: (message: string) => void;
  /** Cancels the load. */
  readonly signal?: AbortSignal;
  /** Terminate the worker on {@link CLIPSegWorker.dispose} (default true). */
  readonly terminateOnDispose?: boolean;
}

/** Options of the pipeline calls. */
export interface CLIPSegWorkerCallOptions {
  /** Cancels the call: the promise rejects at once with `PIPELINE_ABORTED`; the worker drops the work at its next step. */
  readonly signal?: AbortSignal;
}

/** An image encoded in the worker (its activations stay there). */
export class RemoteImageHandle {
  /** Id of the handle in the worker. */
  readonly id: string;
  /** The image's original size. */
  readonly imageSize: ImageSize;
  readonly #owner: CLIPSegWorker;
  #disposed = false;

  /** @internal Made by {@link CLIPSegWorker.encodeImages}. */
  constructor(owner: CLIPSegWorker, id: string, imageSize: ImageSize) {
    this.#owner = owner;
    this.id = id;
    this.imageSize = Object.freeze({ ...imageSize });
  }

  /** True after {@link RemoteImageHandle.dispose}. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /** Frees the activations in the worker. Idempotent. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#owner.disposeHandle(this);
  }
}

const tensor = (w: WireTensor): Tensor<'float32'> => createTensor('float32', w.dims, w.data);

/**
 * The CLIPSeg pipeline running in a dedicated worker (served there by `serveCLIPSeg` from
 * `@clipseg/runtime-web/worker`), with the pipeline's API: `encodeImage(s)`, `segment`, `segmentImage`, `embed`,
 * `dispose`. Images cross as transferable buffers or bitmaps (the caller's objects are not detached), results come
 * back as core `SegmentationResult`s with transferred logits, and every call takes an `AbortSignal`.
 *
 * @example
 * ```ts
 * const worker = new Worker(new URL('./clipseg.worker.ts', import.meta.url), { type: 'module' });
 * const seg = await CLIPSegWorker.load(worker, '/models/rd64.bundle/', { onProgress, backend: { wasmPaths: '/ort/' } });
 * const result = await seg.segmentImage(file, ['a cat', 'the sofa'], { signal });
 * ```
 */
export class CLIPSegWorker {
  /** The bundle's manifest. */
  readonly manifest: BundleManifest;
  /** Where each graph runs in the worker (execution provider, fallback reason, threads). */
  readonly sessionInfo: Readonly<Record<string, SessionInfo>>;
  readonly #worker: WorkerLike;
  readonly #terminate: boolean;
  #disposed = false;

  private constructor(worker: WorkerLike, loaded: WireLoaded, terminate: boolean) {
    this.#worker = worker;
    this.manifest = loaded.manifest;
    this.sessionInfo = loaded.sessionInfo;
    this.#terminate = terminate;
  }

  /**
   * Loads a bundle in `worker` (a URL, picked `File`s, a directory handle, or `{ name: bytes }`).
   *
   * @throws the worker's errors, rebuilt with their class and `code` (`WebLoadError`, `BundleError`, `BackendError`, `PipelineError` …)
   */
  static async load(worker: WorkerLike, source: WorkerBundleSource | URL, options: CLIPSegWorkerLoadOptions = {}): Promise<CLIPSegWorker> {
    const wireSource = source instanceof URL ? source.href : typeof source === 'string' ? new URL(source, (globalThis as { location?: { href: string } }).location?.href).href : source;
    const { onProgress, onWarning, signal, terminateOnDispose, ...rest } = options;
    const loaded = await call<WireLoaded>(worker, { op: 'load', source: wireSource, options: rest }, [], signal, { onProgress, onWarning });
    return new CLIPSegWorker(worker, loaded, terminateOnDispose ?? true);
  }

  /** Encodes one image in the worker. */
  async encodeImage(image: WorkerImage, options: CLIPSegWorkerCallOptions = {}): Promise<RemoteImageHandle> {
    return (await this.encodeImages([image], options))[0]!;
  }

  /** Encodes images in one vision run in the worker. */
  async encodeImages(images: readonly WorkerImage[], options: CLIPSegWorkerCallOptions = {}): Promise<RemoteImageHandle[]> {
    const transfer: Transferable[] = [];
    const wire = await Promise.all(images.map((image) => toWireImage(image, transfer)));
    const handles = await this.#call<{ id: string; imageSize: ImageSize }[]>({ op: 'encodeImages', images: wire }, transfer, options.signal);
    return handles.map((h) => new RemoteImageHandle(this, h.id, h.imageSize));
  }

  /** Segments an encoded image with the prompts (texts, example images, embeddings, mixes). */
  async segment(handle: RemoteImageHandle, prompts: Prompt<WorkerImage, PromptMask> | readonly Prompt<WorkerImage, PromptMask>[], options: CLIPSegWorkerCallOptions = {}): Promise<SegmentationResult> {
    if (handle.disposed) throw new PipelineError('PIPELINE_HANDLE_DISPOSED', `Image handle ${handle.id} was disposed; encode the image again.`);
    const transfer: Transferable[] = [];
    const wire = await toWirePrompts(prompts, transfer);
    return result(await this.#call<WireSegmentation>({ op: 'segment', handle: handle.id, prompts: wire }, transfer, options.signal));
  }

  /** Encodes and segments an image in one call. */
  async segmentImage(image: WorkerImage, prompts: Prompt<WorkerImage, PromptMask> | readonly Prompt<WorkerImage, PromptMask>[], options: CLIPSegWorkerCallOptions = {}): Promise<SegmentationResult> {
    const transfer: Transferable[] = [];
    const [wireImage, wirePrompts] = [await toWireImage(image, transfer), await toWirePrompts(prompts, transfer)];
    return result(await this.#call<WireSegmentation>({ op: 'segmentImage', image: wireImage, prompts: wirePrompts }, transfer, options.signal));
  }

  /** The conditional embeddings of the prompts, float32 `[prompts, projection_dim]`. */
  async embed(prompts: Prompt<WorkerImage, PromptMask> | readonly Prompt<WorkerImage, PromptMask>[], options: CLIPSegWorkerCallOptions = {}): Promise<Tensor<'float32'>> {
    const transfer: Transferable[] = [];
    const wire = await toWirePrompts(prompts, transfer);
    return tensor(await this.#call<WireTensor>({ op: 'embed', prompts: wire }, transfer, options.signal));
  }

  /** @internal Called by {@link RemoteImageHandle.dispose}. */
  disposeHandle(handle: RemoteImageHandle): void {
    if (!this.#disposed) void this.#call({ op: 'disposeHandle', handle: handle.id }, []).catch(() => undefined);
  }

  /** Disposes the model in the worker and, unless `terminateOnDispose: false`, terminates the worker. Idempotent. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    await this.#call({ op: 'dispose' }, []).catch(() => undefined);
    this.#disposed = true;
    if (this.#terminate) this.#worker.terminate?.();
  }

  #call<T>(request: DistributiveOmit<Request, 'id'>, transfer: Transferable[], signal?: AbortSignal): Promise<T> {
    if (this.#disposed) return Promise.reject(new PipelineError('PIPELINE_DISPOSED', 'This CLIPSegWorker was disposed; load a new one.'));
    return call<T>(this.#worker, request, transfer, signal);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

let nextId = 1;

function call<T>(
  worker: WorkerLike,
  request: DistributiveOmit<Request, 'id'>,
  transfer: Transferable[],
  signal: AbortSignal | undefined,
  listeners: { onProgress?: LoadProgressListener; onWarning?: (message: string) => void } = {},
): Promise<T> {
  const id = nextId++;
  return new Promise<T>((resolve, reject) => {
    const aborted = () => new PipelineError('PIPELINE_ABORTED', 'The operation was aborted.', { cause: signal?.reason });
    if (signal?.aborted) {
      reject(aborted());
      return;
    }
    const onAbort = () => {
      worker.postMessage({ id: nextId++, op: 'abort', target: id } satisfies Request, []);
      finish();
      reject(aborted());
    };
    const onMessage = (event: MessageEvent) => {
      const message = event.data as Response;
      if (message?.id !== id) return;
      if ('progress' in message) return listeners.onProgress?.(message.progress);
      if ('warning' in message) return listeners.onWarning?.(message.warning);
      finish();
      if (message.ok) resolve(message.value as T);
      else reject(fromWireError(message.error));
    };
    const finish = () => {
      worker.removeEventListener('message', onMessage);
      signal?.removeEventListener('abort', onAbort);
    };
    worker.addEventListener('message', onMessage);
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.postMessage({ ...request, id } as Request, transfer);
  });
}

function result(w: WireSegmentation): SegmentationResult {
  return new SegmentationResult(tensor(w.logits), tensor(w.conditionalEmbeddings), w.imageSize, w.imageId);
}

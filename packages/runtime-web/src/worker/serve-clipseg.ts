import { memoryFileSet, PIPELINE_LIMITS, PipelineError, type Backend, type ImageHandle, type Prompt, type Tensor } from '@clipseg/core';
import type { PromptMask, RasterImage } from '@clipseg/processor';
import { decodeImage } from '../image/decode-image.js';
import { opfsBundleCache } from '../loading/opfs-bundle-cache.js';
import { loadCLIPSeg, type WebCLIPSeg } from '../pipeline/load-clipseg.js';
import type { Request, Response, WireImage, WireLoaded, WirePrompt, WireSegmentation, WireTensor, WorkerBackendOptions } from './protocol.js';
import { toWireError } from './wire-errors.js';

/** The part of a worker's global scope that {@link serveCLIPSeg} uses (`self` in a dedicated worker). */
export interface WorkerScopeLike {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

/** Options of {@link serveCLIPSeg}. */
export interface ServeCLIPSegOptions {
  /**
   * Creates the backend for a load, from the serializable options the page passed (`CLIPSegWorker.load`'s
   * `backend`). Import the flavour you want here, e.g. `(o) => createWasmBackend(o)` from `@clipseg/runtime-web/wasm`.
   */
  readonly backend: (options: WorkerBackendOptions) => Backend | Promise<Backend>;
  /** The scope to listen on; default the worker's `globalThis`. */
  readonly scope?: WorkerScopeLike;
}

async function resolveImage(image: WireImage): Promise<RasterImage> {
  return 'raster' in image ? image.raster : decodeImage(image.source);
}

async function resolvePrompt(prompt: WirePrompt): Promise<Prompt<RasterImage, PromptMask>> {
  if (typeof prompt !== 'object' || prompt === null) return prompt;
  if ('image' in prompt) return { ...prompt, image: await resolveImage(prompt.image) };
  if ('mix' in prompt && Array.isArray(prompt.mix)) {
    return { mix: await Promise.all(prompt.mix.map(async (part) => ({ weight: part.weight, prompt: await resolvePrompt(part.prompt) }))) };
  }
  return prompt as Prompt<RasterImage, PromptMask>;
}

async function resolvePrompts(prompts: WirePrompt | readonly WirePrompt[]) {
  // Counted before any image prompt is decoded; the pipeline applies its own per-call limits after.
  if (Array.isArray(prompts) && prompts.length > PIPELINE_LIMITS.maxPromptParts) {
    throw new PipelineError('PIPELINE_TOO_MANY_PROMPTS', `${prompts.length} prompts are more than one call takes (${PIPELINE_LIMITS.maxPromptParts}); split them over several calls.`, {
      details: { count: prompts.length, limit: PIPELINE_LIMITS.maxPromptParts },
    });
  }
  return Array.isArray(prompts) ? Promise.all((prompts as readonly WirePrompt[]).map(resolvePrompt)) : resolvePrompt(prompts as WirePrompt);
}

const wireTensor = (t: Tensor<'float32'>): WireTensor => ({ type: 'float32', dims: [...t.dims], data: t.data });

/**
 * Serves a CLIPSeg pipeline from a dedicated worker, for {@link CLIPSegWorker} in the page: the page stays
 * responsive while the model loads and runs. Call it once at the top of the worker module. Returns a function
 * that stops serving.
 *
 * @example
 * ```ts
 * // clipseg.worker.ts
 * import { serveCLIPSeg } from '@clipseg/runtime-web/worker';
 * import { createWasmBackend } from '@clipseg/runtime-web/wasm';
 * serveCLIPSeg({ backend: (options) => createWasmBackend(options) });
 * ```
 */
export function serveCLIPSeg(options: ServeCLIPSegOptions): () => void {
  const scope = options.scope ?? (globalThis as unknown as WorkerScopeLike);
  const controllers = new Map<number, AbortController>();
  const handles = new Map<string, ImageHandle>();
  let seg: WebCLIPSeg | undefined;

  const post = (message: Response, transfer: Transferable[] = []) => scope.postMessage(message, transfer);
  const pipeline = (): WebCLIPSeg => {
    if (seg === undefined) throw new PipelineError('PIPELINE_DISPOSED', 'No model is loaded in this worker: call CLIPSegWorker.load first.');
    return seg;
  };
  const segmentation = (r: { logits: Tensor<'float32'>; conditionalEmbeddings: Tensor<'float32'>; imageSize: { width: number; height: number }; imageId: string }) => {
    const value: WireSegmentation = { logits: wireTensor(r.logits), conditionalEmbeddings: wireTensor(r.conditionalEmbeddings), imageSize: r.imageSize, imageId: r.imageId };
    return { value, transfer: [r.logits.data.buffer, r.conditionalEmbeddings.data.buffer] as Transferable[] };
  };

  const perform = async (request: Request, signal: AbortSignal): Promise<{ value: unknown; transfer?: Transferable[] }> => {
    switch (request.op) {
      case 'load': {
        await seg?.dispose();
        seg = undefined;
        handles.clear();
        const o = request.options;
        const source = typeof request.source === 'object' && !Array.isArray(request.source) && !('kind' in request.source) ? memoryFileSet(request.source as Record<string, Uint8Array>, 'transferred files') : request.source;
        seg = await loadCLIPSeg(source as Parameters<typeof loadCLIPSeg>[0], {
          backend: await options.backend(o.backend ?? {}),
          signal,
          verify: o.verify,
          textCacheSize: o.textCacheSize,
          integrity: o.integrity,
          sessionOptions: o.sessionOptions,
          cache: o.cache === false ? false : o.cache === 'opfs' ? opfsBundleCache() : undefined,
          onProgress: (progress) => post({ id: request.id, progress }),
          onWarning: (warning) => post({ id: request.id, warning }),
        });
        const value: WireLoaded = { manifest: seg.manifest, sessionInfo: seg.sessionInfo as WireLoaded['sessionInfo'] };
        return { value };
      }
      case 'encodeImages': {
        const images = await Promise.all(request.images.map(resolveImage));
        const encoded = await pipeline().encodeImages(images, { signal });
        for (const h of encoded) handles.set(h.id, h);
        return { value: encoded.map((h) => ({ id: h.id, imageSize: h.imageSize })) };
      }
      case 'segment': {
        const handle = handles.get(request.handle);
        if (handle === undefined) throw new PipelineError('PIPELINE_HANDLE_DISPOSED', `Image handle ${request.handle} was disposed (or belongs to an earlier model); encode the image again.`);
        return segmentation(await pipeline().segment(handle, (await resolvePrompts(request.prompts)) as Prompt<RasterImage, PromptMask>[], { signal }));
      }
      case 'segmentImage': {
        const image = await resolveImage(request.image);
        return segmentation(await pipeline().segmentImage(image, (await resolvePrompts(request.prompts)) as Prompt<RasterImage, PromptMask>[], { signal }));
      }
      case 'embed': {
        const t = await pipeline().embed((await resolvePrompts(request.prompts)) as Prompt<RasterImage, PromptMask>[], { signal });
        return { value: wireTensor(t), transfer: [t.data.buffer] };
      }
      case 'disposeHandle':
        handles.get(request.handle)?.dispose();
        handles.delete(request.handle);
        return { value: undefined };
      case 'dispose':
        handles.clear();
        await seg?.dispose();
        seg = undefined;
        return { value: undefined };
      case 'abort':
        controllers.get(request.target)?.abort(new PipelineError('PIPELINE_ABORTED', 'Aborted by the page.'));
        return { value: undefined };
    }
  };

  const listener = (event: MessageEvent) => {
    const request = event.data as Request;
    if (typeof request !== 'object' || request === null || typeof request.id !== 'number') return;
    const controller = new AbortController();
    controllers.set(request.id, controller);
    perform(request, controller.signal).then(
      ({ value, transfer }) => post({ id: request.id, ok: true, value }, transfer),
      (error: unknown) => post({ id: request.id, ok: false, error: toWireError(error) }),
    ).finally(() => controllers.delete(request.id));
  };
  scope.addEventListener('message', listener);
  return () => scope.removeEventListener('message', listener);
}

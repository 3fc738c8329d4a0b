import { CLIPSeg, isCLIPSegError, PipelineError, type Backend, type CLIPSegLoadOptions } from '@clipseg/core';
import { rasterImageAdapter, type PromptMask, type RasterImage } from '@clipseg/processor';
import type { UrlFileSetOptions } from '../loading/url-file-set.js';
import { bundleFileSet, type BundleSource } from './bundle-source.js';

/** A CLIPSeg pipeline over decoded images (`RasterImage`, e.g. from `decodeImage`). */
export type WebCLIPSeg = CLIPSeg<RasterImage, PromptMask>;

/** Options of {@link loadCLIPSeg}. */
export interface LoadCLIPSegOptions
  extends Omit<CLIPSegLoadOptions<RasterImage, PromptMask>, 'images' | 'signal'>,
    Omit<UrlFileSetOptions, 'bundle' | 'signal'> {
  /** The backend: `createWasmBackend()` (`@clipseg/runtime-web/wasm`), `createWebGpuBackend()` (`/webgpu`) or `createWebBackend()`. */
  readonly backend: Backend;
  /** Cancels the downloads and the load; the promise then rejects with `PIPELINE_ABORTED`. */
  readonly signal?: AbortSignal;
}

/**
 * Loads a converted bundle into a ready pipeline in the browser, with `@clipseg/processor`'s Pillow-exact
 * pre-processing and visual-prompt engineering. URLs are downloaded with progress, checked against the
 * manifest's SHA-256 and cached (Cache Storage by default), so a second visit loads offline.
 *
 * @example
 * ```ts
 * import { decodeImage, loadCLIPSeg } from '@clipseg/runtime-web';
 * import { createWasmBackend } from '@clipseg/runtime-web/wasm';
 *
 * const seg = await loadCLIPSeg('/models/rd64-refined.bundle/', {
 *   backend: createWasmBackend({ wasmPaths: '/ort/' }),
 *   onProgress: (p) => (bar.value = p.overall?.fraction ?? 0),
 * });
 * const result = await seg.segmentImage(await decodeImage(file), ['a cat', 'the sofa']);
 * ```
 * @throws {@link WebLoadError} (`WEB_NOT_FOUND`, `WEB_CORS`, `WEB_NETWORK`, `WEB_INTEGRITY`, `WEB_QUOTA_EXCEEDED` …),
 *   `BundleError`, `PipelineError` (`PIPELINE_ABORTED` when `signal` aborts), `BackendError`
 */
export async function loadCLIPSeg(source: BundleSource, options: LoadCLIPSegOptions): Promise<WebCLIPSeg> {
  const { backend, signal, fetch, init, cache, integrity, onProgress, onCacheError, ...rest } = options;
  if (typeof backend?.createSession !== 'function') {
    throw new PipelineError('PIPELINE_INVALID_OPTIONS', 'loadCLIPSeg needs { backend }: createWasmBackend() from @clipseg/runtime-web/wasm, createWebGpuBackend() from /webgpu, or createWebBackend().');
  }
  const files = bundleFileSet(source, { signal, fetch, init, cache, integrity, onProgress, onCacheError });
  try {
    return await CLIPSeg.load<RasterImage, PromptMask>(files, backend, { ...rest, signal, images: rasterImageAdapter });
  } catch (error) {
    if (signal?.aborted && isCLIPSegError(error, 'WEB_ABORTED')) throw new PipelineError('PIPELINE_ABORTED', 'Loading the bundle was aborted.', { cause: error });
    throw error;
  }
}

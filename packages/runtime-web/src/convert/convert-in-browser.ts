import { memoryFileSet, parseBundleManifest, sha256Hex, type BundleManifest, type FileSet } from '@clipseg/core';
import { convertCheckpoint, type ConvertOptions } from '@clipseg/convert';
import type { BundleCache } from '../loading/bundle-cache.js';
import { cacheStorageBundleCache } from '../loading/bundle-cache.js';
import type { FetchBytesOptions } from '../loading/fetch-bytes.js';
import { manifestEntries } from '../loading/manifest-entries.js';
import { bundleFileSet, type BundleSource } from '../pipeline/bundle-source.js';

/** Options of {@link convertInBrowser}. */
export interface ConvertInBrowserOptions extends Pick<ConvertOptions, 'dtype' | 'imageSize' | 'onProgress'>, Pick<FetchBytesOptions, 'fetch' | 'init'> {
  /** The decoder's attention, `standard` (default) or `fused` (CPU/WASM only; see `@clipseg/convert`'s `buildGraphs`). */
  readonly attention?: ConvertOptions['attention'];
  /** Cancels the download and the conversion. */
  readonly signal?: AbortSignal;
  /**
   * Where the converted bundle is kept, so the next visit skips download and conversion: a {@link BundleCache}
   * (default Cache Storage where available) or `false`.
   */
  readonly cache?: BundleCache | false;
}

/** The result of {@link convertInBrowser}. */
export interface ConvertedInBrowser {
  /** The bundle as a core `FileSet` (in memory): pass it to `loadCLIPSeg` or `CLIPSeg.load`. */
  readonly files: FileSet;
  /** The bundle's manifest. */
  readonly manifest: BundleManifest;
  /** True when the bundle came from the cache (no download, no conversion). */
  readonly fromCache: boolean;
}

/**
 * Converts an HF CLIPSeg checkpoint to a bundle inside the page (or a worker) with `@clipseg/convert`: from a
 * URL of the checkpoint folder (`config.json`, `model.safetensors` or `pytorch_model.bin`, tokenizer files),
 * files the user picked, or a directory handle. The bundle is cached (content-addressed) so the next visit loads
 * it without the checkpoint. Large checkpoints need memory for the checkpoint and the bundle at once.
 *
 * @example
 * ```ts
 * import { convertInBrowser } from '@clipseg/runtime-web/convert';
 * const { files } = await convertInBrowser(input.files!, { dtype: 'fp16', onProgress: console.log });
 * const seg = await loadCLIPSeg(files, { backend: createWasmBackend() });
 * ```
 * @throws `ConvertError`, `CheckpointError`, `TorchCheckpointError` for bad checkpoints; {@link WebLoadError} for downloads
 */
export async function convertInBrowser(source: BundleSource, options: ConvertInBrowserOptions = {}): Promise<ConvertedInBrowser> {
  const defaultCache = (globalThis as { caches?: unknown }).caches !== undefined;
  const cache = options.cache === false ? undefined : (options.cache ?? (defaultCache ? cacheStorageBundleCache() : undefined));
  const checkpoint = bundleFileSet(source, { bundle: false, cache: false, fetch: options.fetch, init: options.init, signal: options.signal });
  const size = typeof options.imageSize === 'number' ? `${options.imageSize}` : options.imageSize ? `${options.imageSize.height}x${options.imageSize.width}` : 'default';
  // Keyed by the checkpoint's location, options and config.json, so a changed config reconverts.
  const config = await checkpoint.readBytes('config.json');
  const attention = options.attention ?? 'standard';
  const key = `converted:${checkpoint.location}|${options.dtype ?? 'fp32'}|${attention}|${size}|${config === undefined ? '' : sha256Hex(config)}`;
  const cachedManifest = cache === undefined ? undefined : await cache.get(key).catch(() => undefined);
  if (cache !== undefined && cachedManifest !== undefined) {
    const manifest = parseBundleManifest(new TextDecoder().decode(cachedManifest));
    const files: Record<string, Uint8Array> = { 'manifest.json': cachedManifest };
    let complete = true;
    for (const entry of manifestEntries(manifest).values()) {
      const bytes = await cache.get(`sha256:${entry.sha256}`).catch(() => undefined);
      if (bytes === undefined) complete = false;
      else files[entry.path] = bytes;
    }
    if (complete) return { files: memoryFileSet(files, `${checkpoint.location} (converted, cached)`), manifest, fromCache: true };
  }
  const bundle = await convertCheckpoint(checkpoint, { dtype: options.dtype, attention, imageSize: options.imageSize, onProgress: options.onProgress, signal: options.signal });
  const files = Object.fromEntries(bundle.files);
  if (cache !== undefined) {
    for (const entry of manifestEntries(bundle.manifest).values()) await cache.put(`sha256:${entry.sha256}`, files[entry.path]!);
    await cache.put(key, files['manifest.json']!);
  }
  return { files: memoryFileSet(files, `${checkpoint.location} (converted)`), manifest: bundle.manifest, fromCache: false };
}

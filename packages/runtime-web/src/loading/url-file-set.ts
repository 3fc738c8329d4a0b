import { BUNDLE_MANIFEST_FILE, parseBundleManifest, type BundleFileEntry, type BundleManifest, type FileSet } from '@clipseg/core';
import { abortedError, WebLoadError } from '../errors/web-load-error.js';
import { cacheStorageBundleCache, type BundleCache } from './bundle-cache.js';
import { fetchBytes, type FetchBytesOptions } from './fetch-bytes.js';
import type { LoadProgressListener } from './load-progress.js';
import { manifestEntries as entriesOf, pipelineEntries } from './manifest-entries.js';
import { verifyEntry, type Integrity } from './verify-entry.js';

/** Options of {@link urlFileSet}. */
export interface UrlFileSetOptions extends Pick<FetchBytesOptions, 'fetch' | 'init'> {
  /** Cancels every download of this file set; reads then reject with `WEB_ABORTED`. */
  readonly signal?: AbortSignal;
  /**
   * Where downloaded files are kept across visits: a {@link BundleCache}, or `false` for none. Default: Cache
   * Storage (`cacheStorageBundleCache()`) where the context has it, none otherwise.
   */
  readonly cache?: BundleCache | false;
  /** How downloads are checked against `manifest.json` before use and caching (default `'sha256'`). */
  readonly integrity?: Integrity;
  /** Progress of each file and of the whole bundle. */
  readonly onProgress?: LoadProgressListener;
  /**
   * Receives cache failures (`WEB_QUOTA_EXCEEDED`, `WEB_CACHE_FAILED`) and the load goes on uncached. Without
   * it, a failure to store rejects the load.
   */
  readonly onCacheError?: (error: WebLoadError) => void;
  /**
   * `true` (default): the folder is a bundle; `manifest.json` is read first, only the files it lists are fetched
   * (others read as absent), each is verified and cached by its SHA-256. `false`: any folder (an HF checkpoint);
   * files are fetched by name and cached by URL.
   */
  readonly bundle?: boolean;
}

/** A core {@link FileSet} over files served under one URL. */
export interface UrlFileSet extends FileSet {
  /** The folder URL, ending in `/`. */
  readonly baseUrl: string;
  /**
   * The bundle's manifest (network first; the cached copy when the network fails, so a second visit works offline).
   *
   * @throws {@link WebLoadError} `WEB_NOT_FOUND` when there is no `manifest.json`, and the download errors;
   *   `BundleError` for an invalid manifest
   */
  manifest(): Promise<BundleManifest>;
  /**
   * Loads the files the segmentation pipeline needs into the cache (for an "available offline" button), and with
   * `{ optionalGraphs: true }` also format 2's optional graphs; resolves to their total bytes.
   */
  prefetch(options?: { readonly optionalGraphs?: boolean }): Promise<number>;
}

function folderUrl(base: string | URL): string {
  const href = new URL(String(base), (globalThis as { location?: { href: string } }).location?.href).href;
  return href.endsWith('/') ? href : `${href}/`;
}

/**
 * A {@link FileSet} over a bundle (or any folder) served over HTTP(S): downloads with progress and cancellation,
 * checks each file against `manifest.json` (size and SHA-256) before using or caching it, and keeps it in a
 * persistent {@link BundleCache}, so a second visit loads without the network. Errors are typed
 * ({@link WebLoadError}): `WEB_NOT_FOUND`, `WEB_HTTP_ERROR`, `WEB_CORS`, `WEB_NETWORK`, `WEB_INTEGRITY`,
 * `WEB_ABORTED`, `WEB_QUOTA_EXCEEDED`.
 *
 * @example
 * ```ts
 * const files = urlFileSet('https://example.com/models/rd64.bundle/', { onProgress: (p) => bar.value = p.overall?.fraction ?? 0 });
 * const seg = await CLIPSeg.load(files, createWasmBackend(), { images: rasterImageAdapter });
 * ```
 */
export function urlFileSet(baseUrl: string | URL, options: UrlFileSetOptions = {}): UrlFileSet {
  const base = folderUrl(baseUrl);
  const integrity = options.integrity ?? 'sha256';
  const bundle = options.bundle ?? true;
  const { signal } = options;
  const defaultCache = (globalThis as { caches?: unknown }).caches !== undefined;
  const cache = options.cache === false ? undefined : (options.cache ?? (defaultCache ? cacheStorageBundleCache() : undefined));
  const loadedByFile = new Map<string, number>();
  let overallTotal: number | undefined;
  let manifestPromise: Promise<{ manifest: BundleManifest; bytes: Uint8Array; entries: Map<string, BundleFileEntry> }> | undefined;
  const inFlight = new Map<string, Promise<Uint8Array | undefined>>();

  const urlOf = (name: string) => new URL(name.split('/').map(encodeURIComponent).join('/'), base).href;

  const report = (file: string, source: string, loaded: number, total: number | undefined, fromCache: boolean) => {
    if (!options.onProgress) return;
    // A file read twice (core reads tokenizer files to verify, then to parse) counts once.
    if (overallTotal !== undefined && file !== BUNDLE_MANIFEST_FILE) loadedByFile.set(file, Math.max(loaded, loadedByFile.get(file) ?? 0));
    const sum = [...loadedByFile.values()].reduce((a, b) => a + b, 0);
    options.onProgress({
      file,
      source,
      loaded,
      total,
      fraction: total === undefined ? undefined : total === 0 ? 1 : Math.min(1, loaded / total),
      fromCache,
      ...(overallTotal === undefined ? {} : { overall: { loaded: sum, total: overallTotal, fraction: overallTotal === 0 ? 1 : Math.min(1, sum / overallTotal) } }),
    });
  };

  const cacheFailed = (error: unknown) => {
    if (!(error instanceof WebLoadError) || !options.onCacheError) throw error;
    options.onCacheError(error);
  };
  const cacheGet = async (key: string) => {
    try {
      return await cache?.get(key);
    } catch (error) {
      cacheFailed(error);
      return undefined;
    }
  };
  const cachePut = async (key: string, bytes: Uint8Array) => {
    try {
      await cache?.put(key, bytes);
    } catch (error) {
      cacheFailed(error);
    }
  };

  const download = async (name: string, expectedBytes?: number) => {
    const url = urlOf(name);
    return {
      url,
      outcome: await fetchBytes(url, {
        fetch: options.fetch,
        init: options.init,
        signal,
        expectedBytes,
        onProgress: (p) => report(name, url, p.loaded, p.total, false),
      }),
    };
  };

  const loadManifest = () => {
    manifestPromise ??= (async () => {
      const url = urlOf(BUNDLE_MANIFEST_FILE);
      const key = `url:${url}`;
      let bytes: Uint8Array;
      try {
        const { outcome } = await download(BUNDLE_MANIFEST_FILE);
        if ('missing' in outcome) {
          throw new WebLoadError(
            'WEB_NOT_FOUND',
            `${url} answered HTTP ${outcome.missing}: there is no CLIPSeg bundle at ${base}. Point at the folder written by 'clipseg convert' (the one holding manifest.json).`,
            { details: { url, status: outcome.missing } },
          );
        }
        bytes = outcome.bytes;
      } catch (error) {
        // Offline (or the server is down): fall back to the manifest cached on an earlier visit.
        const cached = error instanceof WebLoadError && (error.code === 'WEB_NETWORK' || error.code === 'WEB_HTTP_ERROR') ? await cacheGet(key) : undefined;
        if (cached === undefined) throw error;
        bytes = cached;
        report(BUNDLE_MANIFEST_FILE, url, bytes.byteLength, bytes.byteLength, true);
        const manifest = parseBundleManifest(new TextDecoder().decode(bytes));
        return { manifest, bytes, entries: entriesOf(manifest) };
      }
      const manifest = parseBundleManifest(new TextDecoder().decode(bytes));
      await cachePut(key, bytes);
      return { manifest, bytes, entries: entriesOf(manifest) };
    })();
    manifestPromise.catch(() => (manifestPromise = undefined));
    return manifestPromise.then((m) => {
      // The overall fraction counts what the pipeline loads; optional graphs (HF classes) load on demand.
      if (overallTotal === undefined) overallTotal = [...pipelineEntries(m.manifest).values()].reduce((sum, e) => sum + e.bytes, 0);
      return m;
    });
  };

  const readListed = async (name: string, entry: BundleFileEntry): Promise<Uint8Array> => {
    const key = `sha256:${entry.sha256}`;
    const url = urlOf(name);
    const cached = await cacheGet(key);
    if (cached !== undefined && cached.byteLength === entry.bytes) {
      report(name, url, cached.byteLength, entry.bytes, true);
      return cached;
    }
    const { outcome } = await download(name, entry.bytes);
    if ('missing' in outcome) {
      throw new WebLoadError('WEB_NOT_FOUND', `${url} answered HTTP ${outcome.missing}, but manifest.json lists ${name}: the bundle on the server is incomplete. Upload the whole folder.`, {
        details: { url, status: outcome.missing },
      });
    }
    verifyEntry(url, entry, outcome.bytes, integrity);
    await cachePut(key, outcome.bytes);
    return outcome.bytes;
  };

  const readPlain = async (name: string): Promise<Uint8Array | undefined> => {
    const url = urlOf(name);
    const key = `url:${url}`;
    const cached = await cacheGet(key);
    if (cached !== undefined) {
      report(name, url, cached.byteLength, cached.byteLength, true);
      return cached;
    }
    const { outcome } = await download(name);
    if ('missing' in outcome) return undefined;
    await cachePut(key, outcome.bytes);
    return outcome.bytes;
  };

  const read = async (name: string): Promise<Uint8Array | undefined> => {
    if (signal?.aborted) throw abortedError(urlOf(name), signal.reason);
    if (!bundle) return readPlain(name);
    const { bytes, entries } = await loadManifest();
    if (name === BUNDLE_MANIFEST_FILE) return bytes;
    const entry = entries.get(name);
    return entry === undefined ? undefined : readListed(name, entry);
  };

  return {
    location: base.replace(/\/$/, ''),
    baseUrl: base,
    readBytes(name: string) {
      let pending = inFlight.get(name);
      if (pending === undefined) {
        pending = read(name).finally(() => inFlight.delete(name));
        inFlight.set(name, pending);
      }
      return pending;
    },
    async manifest() {
      return (await loadManifest()).manifest;
    },
    async prefetch(options?: { readonly optionalGraphs?: boolean }) {
      const { entries, manifest } = await loadManifest();
      let total = 0;
      for (const [name, entry] of options?.optionalGraphs ? entries : pipelineEntries(manifest)) {
        await readListed(name, entry);
        total += entry.bytes;
      }
      return total;
    },
  };
}

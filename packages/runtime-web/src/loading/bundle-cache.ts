import { domErrorName, WebLoadError } from '../errors/web-load-error.js';

/**
 * A persistent store of downloaded files, so a second visit loads offline. Keys are opaque strings: the file
 * loaders use `sha256:HEX` for files the manifest lists (content-addressed: shared between bundle versions and
 * mirrors) and `url:URL` for the manifest itself.
 */
export interface BundleCache {
  /** Human-readable kind, for messages (`Cache Storage 'clipseg'`, `OPFS clipseg-cache/`). */
  readonly description: string;
  /** The stored bytes, or `undefined`. */
  get(key: string): Promise<Uint8Array | undefined>;
  /**
   * Stores bytes under `key`.
   *
   * @throws {@link WebLoadError} `WEB_QUOTA_EXCEEDED` when storage is full, `WEB_CACHE_FAILED` otherwise
   */
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** Removes one entry; true when it existed. */
  delete(key: string): Promise<boolean>;
  /** Removes every entry of this cache. */
  clear(): Promise<void>;
}

/** The default name of the Cache Storage cache and the OPFS folder. */
export const DEFAULT_CACHE_NAME = 'clipseg-bundles';

/** Maps a storage failure to a {@link WebLoadError}. @internal */
export function cacheError(description: string, action: string, error: unknown): WebLoadError {
  const name = domErrorName(error);
  if (name === 'QuotaExceededError') {
    return new WebLoadError(
      'WEB_QUOTA_EXCEEDED',
      `${description} is full: the browser's storage quota does not allow ${action}. Free space (clear the cache, or other sites' data), or load without caching (cache: false).`,
      { cause: error },
    );
  }
  return new WebLoadError('WEB_CACHE_FAILED', `${description} failed ${action} (${error instanceof Error ? error.message : String(error)}); storage may be disabled (private browsing). Load with cache: false.`, {
    cause: error,
  });
}

// Cache Storage keys must be http(s) requests; a private, never-fetched origin keeps them apart from real URLs.
const keyUrl = (key: string) => `https://clipseg.invalid/${encodeURIComponent(key)}`;

/** Options of {@link cacheStorageBundleCache}. */
export interface CacheStorageBundleCacheOptions {
  /** Cache name (default {@link DEFAULT_CACHE_NAME}). */
  readonly name?: string;
  /** The `CacheStorage` (default `globalThis.caches`; pages need a secure context, http://localhost counts). */
  readonly caches?: CacheStorage;
}

/**
 * A {@link BundleCache} in Cache Storage (`caches.open(name)`): available in pages and workers of secure contexts.
 *
 * @throws {@link WebLoadError} `WEB_CACHE_FAILED` (from its methods) when Cache Storage is unavailable
 */
export function cacheStorageBundleCache(options: CacheStorageBundleCacheOptions = {}): BundleCache {
  const name = options.name ?? DEFAULT_CACHE_NAME;
  const description = `Cache Storage '${name}'`;
  const open = async (action: string): Promise<Cache> => {
    const storage = options.caches ?? (globalThis as { caches?: CacheStorage }).caches;
    if (storage === undefined) throw cacheError(description, action, new Error('Cache Storage is not available here (an insecure context?)'));
    try {
      return await storage.open(name);
    } catch (error) {
      throw cacheError(description, action, error);
    }
  };
  return {
    description,
    async get(key) {
      const cache = await open('reading');
      try {
        const response = await cache.match(keyUrl(key));
        return response === undefined ? undefined : new Uint8Array(await response.arrayBuffer());
      } catch (error) {
        throw cacheError(description, 'reading', error);
      }
    },
    async put(key, bytes) {
      const cache = await open(`storing ${bytes.byteLength} bytes`);
      try {
        const body = new Blob([bytes as Uint8Array<ArrayBuffer>]);
        await cache.put(keyUrl(key), new Response(body, { headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(bytes.byteLength) } }));
      } catch (error) {
        throw cacheError(description, `storing ${bytes.byteLength} bytes`, error);
      }
    },
    async delete(key) {
      const cache = await open('deleting');
      return cache.delete(keyUrl(key));
    },
    async clear() {
      const storage = options.caches ?? (globalThis as { caches?: CacheStorage }).caches;
      await storage?.delete(name);
    },
  };
}

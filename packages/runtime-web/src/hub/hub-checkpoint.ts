import {
  DEFAULT_HUB_ENDPOINT,
  HubError,
  fetchHubModelInfo,
  hubFileUrl,
  hubHeaders,
  hubHttpError,
  isCommitHash,
  memoryFileSet,
  parseBundleManifest,
  parseHubRepoRef,
  selectCheckpointFiles,
  sha256Hex,
  shardFiles,
  type BundleManifest,
  type FileSet,
  type HubFile,
} from '@clipseg/core';
import { convertCheckpoint, type ConvertOptions } from '@clipseg/convert';
import type { BundleCache } from '../loading/bundle-cache.js';
import { cacheStorageBundleCache } from '../loading/bundle-cache.js';
import { fetchBytes, type DownloadProgress } from '../loading/fetch-bytes.js';
import { manifestEntries } from '../loading/manifest-entries.js';

/** Options of {@link loadHubCheckpoint}. */
export interface HubCheckpointOptions extends Pick<ConvertOptions, 'dtype' | 'imageSize'> {
  /** Hub base URL (must send CORS headers; huggingface.co does). Default the public Hub. */
  readonly endpoint?: string;
  /** Access token for gated or private repos. Anything in page code is visible to users: pass one only in tools for yourself. */
  readonly token?: string;
  /** Where the converted bundle is kept (content-addressed); default Cache Storage, `false` for none. */
  readonly cache?: BundleCache | false;
  /** Use only the cache: no request is made. */
  readonly offline?: boolean;
  /** Per-file download progress and conversion steps. */
  readonly onProgress?: (step: string, progress?: DownloadProgress) => void;
  readonly signal?: AbortSignal;
  readonly fetch?: typeof fetch;
  /** Largest file accepted when the Hub lists no size for it; default 2 GiB. A listed size is never exceeded. */
  readonly maxUnsizedFileBytes?: number;
}

/** Default bound of a file the Hub lists without a size. */
export const DEFAULT_MAX_UNSIZED_HUB_FILE_BYTES = 2 * 1024 ** 3;

/** A Hub checkpoint converted in the page. */
export interface HubCheckpoint {
  readonly repo: string;
  readonly revision: string;
  /** The commit the revision resolved to. */
  readonly commit: string;
  /** The bundle, in memory: pass it to `loadCLIPSeg`. */
  readonly files: FileSet;
  readonly manifest: BundleManifest;
  /** True when nothing was downloaded or converted. */
  readonly fromCache: boolean;
}

const refKey = (repo: string, revision: string) => `hub-ref:${repo}@${revision}`;
const bundleKey = (repo: string, commit: string, dtype: string, size: string) => `hub-bundle:${repo}@${commit}|${dtype}|${size}`;

async function fromCache(cache: BundleCache, key: string, location: string): Promise<{ files: FileSet; manifest: BundleManifest } | undefined> {
  const manifestBytes = await cache.get(key).catch(() => undefined);
  if (!manifestBytes) return undefined;
  const manifest = parseBundleManifest(new TextDecoder().decode(manifestBytes));
  const files: Record<string, Uint8Array> = { 'manifest.json': manifestBytes };
  for (const entry of manifestEntries(manifest).values()) {
    const bytes = await cache.get(`sha256:${entry.sha256}`).catch(() => undefined);
    if (!bytes) return undefined;
    files[entry.path] = bytes;
  }
  return { files: memoryFileSet(files, location), manifest };
}

/**
 * A fetch whose bodies end in an error once they pass `limit` bytes (a Content-Length above it is not even read),
 * so a mirror cannot make the page hold more than the Hub listed. `exceeded` records why the read stopped.
 */
function boundedFetch(fetchFn: typeof fetch, limit: number, exceeded: { bytes?: number }): typeof fetch {
  return async (input, init) => {
    const response = await fetchFn(input, init);
    if (!response.ok || response.body === null) return response;
    const declared = Number(response.headers.get('content-length') ?? NaN);
    const headers = new Headers(response.headers);
    let body: ReadableStream<Uint8Array>;
    if (Number.isFinite(declared) && declared > limit) {
      await response.body.cancel().catch(() => undefined);
      exceeded.bytes = declared;
      headers.delete('content-length');
      body = new ReadableStream({ start: (c) => c.error(new Error(`Content-Length ${declared} is over ${limit}`)) });
    } else {
      let seen = 0;
      body = response.body.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            seen += chunk.byteLength;
            if (seen > limit) {
              exceeded.bytes = seen;
              controller.error(new Error(`more than ${limit} bytes`));
            } else controller.enqueue(chunk);
          },
        }),
      );
    }
    return new Response(body, { status: response.status, statusText: response.statusText, headers });
  };
}

async function download(file: HubFile, url: string, options: HubCheckpointOptions): Promise<Uint8Array> {
  const limit = file.size ?? options.maxUnsizedFileBytes ?? DEFAULT_MAX_UNSIZED_HUB_FILE_BYTES;
  const exceeded: { bytes?: number } = {};
  let outcome;
  try {
    outcome = await fetchBytes(url, {
      fetch: boundedFetch(options.fetch ?? globalThis.fetch.bind(globalThis), limit, exceeded),
      ...(options.signal ? { signal: options.signal } : {}),
      init: { headers: hubHeaders(options.token) },
      ...(file.size === undefined ? {} : { expectedBytes: file.size }),
      onProgress: (p) => options.onProgress?.(`downloading ${file.name}`, p),
    });
  } catch (error) {
    if (exceeded.bytes === undefined) throw error;
    throw new HubError(
      'HUB_BAD_RESPONSE',
      file.size === undefined
        ? `${file.name} is larger than ${limit} bytes, the bound for a file the Hub lists without a size; check the endpoint, or raise maxUnsizedFileBytes.`
        : `The server sent more than the ${limit} bytes the Hub listed for ${file.name}; the endpoint is not trustworthy, or the file changed: load it again.`,
      { cause: error, details: { file: file.name, limit } },
    );
  }
  if ('missing' in outcome) throw hubHttpError(outcome.missing, '', file.name, options.token !== undefined);
  if (file.size !== undefined && outcome.bytes.byteLength !== file.size) {
    throw new HubError('HUB_NETWORK', `${file.name} arrived with ${outcome.bytes.byteLength} of the ${file.size} bytes the Hub listed; load it again.`, { details: { file: file.name } });
  }
  if (file.sha256 && sha256Hex(outcome.bytes) !== file.sha256) {
    throw new HubError('HUB_CHECKSUM_MISMATCH', `${file.name} does not match the SHA-256 the Hub published; load it again.`, { details: { file: file.name } });
  }
  return outcome.bytes;
}

/**
 * Loads a CLIPSeg checkpoint from the Hugging Face Hub by id (`OWNER/NAME[@REVISION]`) inside the page: resolves
 * the revision, downloads the files a checkpoint needs (preferring `model.safetensors`, then sharded
 * safetensors, then `pytorch_model.bin` through the safe loader) with progress and SHA-256 checks, converts them
 * with `@clipseg/convert`, and caches the bundle by commit so later visits (and `offline: true`) need no network.
 *
 * What the Hub sends is checked before use: the answer must be JSON (else `HUB_BAD_RESPONSE`, naming the endpoint),
 * the commit 40 hex characters, shard names plain relative paths; no body is read past the size the Hub listed
 * (files listed without a size are bounded by `maxUnsizedFileBytes`), and a cached ref that is not a commit is
 * ignored.
 *
 * @throws `HubError` (`HUB_NOT_FOUND`, `HUB_UNAUTHORIZED`, `HUB_NETWORK` — also for CORS refusals —,
 * `HUB_BAD_RESPONSE`, `HUB_CHECKSUM_MISMATCH`, `HUB_OFFLINE`, `HUB_NOT_A_CLIPSEG_REPO`, `HUB_ABORTED` while resolving), `WebLoadError` (`WEB_ABORTED` while
 * downloading), conversion errors
 */
export async function loadHubCheckpoint(id: string, options: HubCheckpointOptions = {}): Promise<HubCheckpoint> {
  const ref = parseHubRepoRef(id);
  const hasCaches = (globalThis as { caches?: unknown }).caches !== undefined;
  const cache = options.cache === false ? undefined : (options.cache ?? (hasCaches ? cacheStorageBundleCache() : undefined));
  const dtype = options.dtype ?? 'fp32';
  const size = typeof options.imageSize === 'number' ? `${options.imageSize}` : options.imageSize ? `${options.imageSize.height}x${options.imageSize.width}` : 'default';
  const pinned = isCommitHash(ref.revision) ? ref.revision : undefined;
  const cachedRef = cache ? new TextDecoder().decode((await cache.get(refKey(ref.repo, ref.revision)).catch(() => undefined)) ?? new Uint8Array()).trim() : '';
  const known = pinned ?? (isCommitHash(cachedRef) ? cachedRef : ''); // anything else in the cache is not ours: ignored
  if (options.offline) {
    const hit = cache && known ? await fromCache(cache, bundleKey(ref.repo, known, dtype, size), `hub:${ref.repo}@${known}`) : undefined;
    if (!hit) throw new HubError('HUB_OFFLINE', `${id} is not in this browser's cache yet; load it once online.`);
    return { repo: ref.repo, revision: ref.revision, commit: known, ...hit, fromCache: true };
  }
  const endpoint = options.endpoint ?? DEFAULT_HUB_ENDPOINT;
  options.onProgress?.(`resolving ${id}`);
  const info = await fetchHubModelInfo(ref, {
    endpoint,
    ...(options.token ? { token: options.token } : {}),
    ...(options.fetch ? { fetch: options.fetch as never } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const key = bundleKey(ref.repo, info.commit, dtype, size);
  const location = `hub:${ref.repo}@${info.commit}`;
  const hit = cache ? await fromCache(cache, key, location) : undefined;
  if (hit) return { repo: ref.repo, revision: ref.revision, commit: info.commit, ...hit, fromCache: true };

  const { files, shardIndex } = selectCheckpointFiles(info);
  const checkpoint: Record<string, Uint8Array> = {};
  for (const file of files) checkpoint[file.name] = await download(file, hubFileUrl(endpoint, ref.repo, info.commit, file.name), options);
  if (shardIndex) {
    for (const shard of shardFiles(info, new TextDecoder().decode(checkpoint[shardIndex.name]))) {
      checkpoint[shard.name] = await download(shard, hubFileUrl(endpoint, ref.repo, info.commit, shard.name), options);
    }
  }
  options.onProgress?.('converting');
  const bundle = await convertCheckpoint(memoryFileSet(checkpoint, location), { dtype, ...(options.imageSize === undefined ? {} : { imageSize: options.imageSize }), ...(options.signal ? { signal: options.signal } : {}) });
  const out = Object.fromEntries(bundle.files);
  if (cache) {
    for (const entry of manifestEntries(bundle.manifest).values()) await cache.put(`sha256:${entry.sha256}`, out[entry.path]!);
    await cache.put(key, out['manifest.json']!);
    if (!pinned) await cache.put(refKey(ref.repo, ref.revision), new TextEncoder().encode(info.commit));
  }
  return { repo: ref.repo, revision: ref.revision, commit: info.commit, files: memoryFileSet(out, location), manifest: bundle.manifest, fromCache: false };
}

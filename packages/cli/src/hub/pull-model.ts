import { stat } from 'node:fs/promises';
import {
  CLIPSegError,
  DEFAULT_HUB_ENDPOINT,
  HubError,
  MAX_SHARD_INDEX_BYTES,
  fetchHubModelInfo,
  hubAbortError,
  hubFileUrl,
  parseHubRepoRef,
  selectCheckpointFiles,
  shardFiles,
  type BundleWeightDType,
  type HubFile,
} from '@clipseg/core';
import { convertCheckpoint } from '@clipseg/convert';
import { directoryFileSet, isBundleDir, writeDirectoryAtomic } from '@clipseg/runtime-node';
import { hashFileNode, joinInside, readFileBounded, sha256Node, toIoError } from '@clipseg/runtime-node/io';
import { downloadFile } from './download-file.js';
import { withFileLock } from './file-lock.js';
import { DEFAULT_HUB_IDLE_TIMEOUT_MS, DEFAULT_HUB_TOTAL_TIMEOUT_MS, idleDeadline, totalDeadline } from './hub-deadlines.js';
import { HubCache } from './hub-cache.js';

/** Options of {@link pullModel}. */
export interface PullOptions {
  /** The clipseg cache directory. */
  readonly cacheDir: string;
  /** Hub base URL (`HF_ENDPOINT`); default the public Hub. */
  readonly endpoint?: string;
  /** Access token (`HF_TOKEN`) for gated or private repos. */
  readonly token?: string;
  /** Use only what is cached; never touch the network. */
  readonly offline?: boolean;
  /** Bundle weight storage; default fp32. */
  readonly dtype?: BundleWeightDType;
  /** Progress: a step name and, for downloads, bytes done / total. */
  readonly onProgress?: (step: string, done?: number, total?: number) => void;
  /** Called once if another process is pulling the same repo and we wait. */
  readonly onWait?: () => void;
  /** Cancels the pull: requests, body reads, the wait for the lock and the conversion (`HUB_ABORTED`, or the abort reason when it is a `HubError`). */
  readonly signal?: AbortSignal;
  /** A request that receives no data for this long is given up (downloads are retried); default 30 s. */
  readonly idleTimeoutMs?: number;
  /** The whole pull must finish within this (`Infinity` for no limit); default 2 hours. */
  readonly totalTimeoutMs?: number;
  /** Largest file accepted when the Hub lists no size for it; default 2 GiB. */
  readonly maxUnsizedFileBytes?: number;
  readonly fetch?: typeof fetch;
}

/** A pulled model. */
export interface PulledModel {
  readonly repo: string;
  readonly revision: string;
  readonly commit: string;
  readonly checkpointDir: string;
  readonly bundleDir: string;
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

async function convertInto(checkpointDir: string, bundleDir: string, dtype: BundleWeightDType, options: PullOptions, signal: AbortSignal): Promise<void> {
  if (await isBundleDir(bundleDir)) return;
  options.onProgress?.('converting to an ONNX bundle');
  const bundle = await convertCheckpoint(directoryFileSet(checkpointDir), {
    dtype,
    signal,
    sha256: sha256Node,
    hashSourceFile: (name) => hashFileNode(joinInside(checkpointDir, name, 'the checkpoint file name')),
  });
  await writeDirectoryAtomic(bundleDir, bundle.files.entries(), { force: true });
}

/**
 * `clipseg pull`: resolves `OWNER/NAME[@REVISION]` on the Hub, downloads the
 * files a CLIPSeg checkpoint needs (preferring `model.safetensors`, then
 * sharded safetensors, then `pytorch_model.bin`, read by the safe loader),
 * resuming interrupted downloads and verifying checksums, then converts it to
 * a bundle in the cache. Pulls of one repo are serialised by a lock file.
 * Offline, it uses only the cache.
 *
 * Nothing the Hub sends becomes a path unchecked: the commit must be 40 hex characters, every file name (listed
 * files and shard names) a plain relative path, checked before the first download; answers are bounded and must
 * be JSON; a body is never written past the size the Hub listed (a file listed without a size is bounded by
 * `maxUnsizedFileBytes` and, without a checksum, accepted as sent). Requests stall out after `idleTimeoutMs`, the
 * pull after `totalTimeoutMs`, and `signal` cancels it (finished files and partial downloads stay for a resume).
 *
 * @throws {@link HubError} (`HUB_OFFLINE` when offline and not cached, `HUB_BAD_RESPONSE`, `HUB_TIMEOUT`,
 * `HUB_ABORTED` and the download errors); `IoError` when the cache cannot be written; `BundleError`
 * `BUNDLE_MANIFEST_INVALID` for a cached bundle whose `manifest.json` is not a regular file; conversion errors
 */
export async function pullModel(id: string, options: PullOptions): Promise<PulledModel> {
  const ref = parseHubRepoRef(id);
  const cache = new HubCache(options.cacheDir);
  const total = totalDeadline(options.signal, options.totalTimeoutMs ?? DEFAULT_HUB_TOTAL_TIMEOUT_MS, `Pulling ${ref.repo}@${ref.revision}`);
  try {
    if (total.signal.aborted) throw hubAbortError(total.signal, `Pulling ${id}`);
    return await (options.offline ? pullOffline(ref, cache, options, total.signal) : pullOnline(ref, cache, options, total.signal));
  } catch (error) {
    if (total.signal.aborted && !(error instanceof HubError)) throw hubAbortError(total.signal, `Pulling ${id}`);
    if (error instanceof CLIPSegError) throw error;
    throw toIoError(error, `Writing to the cache ${options.cacheDir} (check CLIPSEG_CACHE)`, options.cacheDir, 'IO_WRITE_FAILED');
  } finally {
    total.dispose();
  }
}

type Ref = ReturnType<typeof parseHubRepoRef>;

async function pullOffline(ref: Ref, cache: HubCache, options: PullOptions, signal: AbortSignal): Promise<PulledModel> {
  const dtype = options.dtype ?? 'fp32';
  const commit = await cache.resolveRevision(ref);
  const checkpointDir = commit && cache.snapshotDir(ref.repo, commit);
  if (!commit || !checkpointDir || !(await exists(joinInside(checkpointDir, 'config.json')))) {
    throw new HubError('HUB_OFFLINE', `${ref.repo}@${ref.revision} has not been pulled yet and --offline forbids the network; run 'clipseg pull ${ref.repo}@${ref.revision}' once online.`);
  }
  const bundleDir = cache.bundleDir(ref.repo, commit, dtype);
  await withFileLock(cache.lockFile(ref.repo), () => convertInto(checkpointDir, bundleDir, dtype, options, signal), { signal, ...(options.onWait ? { onWait: options.onWait } : {}) });
  return { repo: ref.repo, revision: ref.revision, commit, checkpointDir, bundleDir };
}

async function pullOnline(ref: Ref, cache: HubCache, options: PullOptions, signal: AbortSignal): Promise<PulledModel> {
  const dtype = options.dtype ?? 'fp32';
  const endpoint = options.endpoint ?? DEFAULT_HUB_ENDPOINT;
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_HUB_IDLE_TIMEOUT_MS;
  options.onProgress?.(`resolving ${ref.repo}@${ref.revision}`);
  const idle = idleDeadline(signal, idleTimeoutMs, `the Hub at ${endpoint}`);
  const info = await fetchHubModelInfo(ref, {
    endpoint,
    signal: idle.signal,
    onData: idle.touch,
    ...(options.token ? { token: options.token } : {}),
    ...(options.fetch ? { fetch: options.fetch as never } : {}),
  }).finally(idle.dispose);
  // Checked before anything is written: the commit (by the parser), the listed names, the cache paths.
  const { files, shardIndex } = selectCheckpointFiles(info);
  const checkpointDir = cache.snapshotDir(ref.repo, info.commit);
  const bundleDir = cache.bundleDir(ref.repo, info.commit, dtype);
  const fileOptions = {
    signal,
    idleTimeoutMs,
    ...(options.maxUnsizedFileBytes === undefined ? {} : { maxUnsizedBytes: options.maxUnsizedFileBytes }),
    ...(options.token ? { token: options.token } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  };
  const fetchOne = async (file: HubFile) => {
    const dest = joinInside(checkpointDir, file.name, `the file name ${ref.repo} listed`);
    if (await exists(dest)) return; // complete files are only ever renamed into place after verification
    await downloadFile(hubFileUrl(endpoint, ref.repo, info.commit, file.name), dest, file, {
      ...fileOptions,
      onProgress: (done, size) => options.onProgress?.(`downloading ${file.name}`, done, size),
    });
  };
  await withFileLock(
    cache.lockFile(ref.repo),
    async () => {
      for (const file of files) await fetchOne(file);
      if (shardIndex) {
        const index = await readFileBounded(joinInside(checkpointDir, shardIndex.name), { maxBytes: MAX_SHARD_INDEX_BYTES, what: `${ref.repo}'s ${shardIndex.name}` });
        const shards = shardFiles(info, new TextDecoder().decode(index)); // every shard name checked before the first shard download
        for (const shard of shards) await fetchOne(shard);
      }
      await cache.writeRef(ref, info.commit);
      await convertInto(checkpointDir, bundleDir, dtype, options, signal);
    },
    { signal, ...(options.onWait ? { onWait: options.onWait } : {}) },
  );
  return { repo: ref.repo, revision: ref.revision, commit: info.commit, checkpointDir, bundleDir };
}

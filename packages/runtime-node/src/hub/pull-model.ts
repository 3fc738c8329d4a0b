import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_HUB_ENDPOINT, HubError, fetchHubModelInfo, hubFileUrl, parseHubRepoRef, selectCheckpointFiles, shardFiles, type BundleWeightDType, type HubFile } from '@clipseg/core';
import { convertCheckpoint } from '@clipseg/convert';
import { directoryFileSet } from '../files/directory-file-set.js';
import { hashFileNode, sha256Node } from '../io/hash-file-node.js';
import { writeDirectoryAtomic } from '../io/write-directory-atomic.js';
import { downloadFile } from './download-file.js';
import { withFileLock } from './file-lock.js';
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

async function convertInto(checkpointDir: string, bundleDir: string, dtype: BundleWeightDType, onProgress: PullOptions['onProgress']): Promise<void> {
  if (await exists(join(bundleDir, 'manifest.json'))) return;
  onProgress?.('converting to an ONNX bundle');
  const bundle = await convertCheckpoint(directoryFileSet(checkpointDir), {
    dtype,
    sha256: sha256Node,
    hashSourceFile: (name) => hashFileNode(join(checkpointDir, name)),
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
 * @throws {@link HubError} (`HUB_OFFLINE` when offline and not cached, and the download errors)
 */
export async function pullModel(id: string, options: PullOptions): Promise<PulledModel> {
  const ref = parseHubRepoRef(id);
  const cache = new HubCache(options.cacheDir);
  const dtype = options.dtype ?? 'fp32';
  if (options.offline) {
    const commit = await cache.resolveRevision(ref);
    const checkpointDir = commit && cache.snapshotDir(ref.repo, commit);
    if (!commit || !checkpointDir || !(await exists(join(checkpointDir, 'config.json')))) {
      throw new HubError('HUB_OFFLINE', `${ref.repo}@${ref.revision} has not been pulled yet and --offline forbids the network; run 'clipseg pull ${id}' once online.`);
    }
    const bundleDir = cache.bundleDir(ref.repo, commit, dtype);
    await withFileLock(cache.lockFile(ref.repo), () => convertInto(checkpointDir, bundleDir, dtype, options.onProgress), options.onWait ? { onWait: options.onWait } : {});
    return { repo: ref.repo, revision: ref.revision, commit, checkpointDir, bundleDir };
  }
  const endpoint = options.endpoint ?? DEFAULT_HUB_ENDPOINT;
  const request = { endpoint, ...(options.token ? { token: options.token } : {}), ...(options.fetch ? { fetch: options.fetch as never } : {}) };
  options.onProgress?.(`resolving ${ref.repo}@${ref.revision}`);
  const info = await fetchHubModelInfo(ref, request);
  const { files, shardIndex } = selectCheckpointFiles(info);
  const checkpointDir = cache.snapshotDir(ref.repo, info.commit);
  const bundleDir = cache.bundleDir(ref.repo, info.commit, dtype);
  await withFileLock(
    cache.lockFile(ref.repo),
    async () => {
      const fetchOne = async (file: HubFile) => {
        const dest = join(checkpointDir, file.name);
        if (await exists(dest)) return; // complete files are only ever renamed into place after verification
        await downloadFile(hubFileUrl(endpoint, ref.repo, info.commit, file.name), dest, file, {
          ...(options.token ? { token: options.token } : {}),
          ...(options.fetch ? { fetch: options.fetch } : {}),
          onProgress: (done, total) => options.onProgress?.(`downloading ${file.name}`, done, total),
        });
      };
      for (const file of files) await fetchOne(file);
      if (shardIndex) for (const shard of shardFiles(info, await readFile(join(checkpointDir, shardIndex.name), 'utf8'))) await fetchOne(shard);
      await cache.writeRef(ref, info.commit);
      await convertInto(checkpointDir, bundleDir, dtype, options.onProgress);
    },
    options.onWait ? { onWait: options.onWait } : {},
  );
  return { repo: ref.repo, revision: ref.revision, commit: info.commit, checkpointDir, bundleDir };
}

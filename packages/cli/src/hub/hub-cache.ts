import { lstat, mkdir, readdir, realpath, rm, stat } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { BUNDLE_WEIGHT_DTYPES, HubError, IoError, isBundleWeightDType, isCommitHash, isHubRepoId, type HubRepoRef } from '@clipseg/core';
import { writeFileAtomic } from '@clipseg/runtime-node';
import { joinInside, readFileBounded, toIoError } from '@clipseg/runtime-node/io';

/** Longest ref file read back (a 40-hex commit and a newline). */
const MAX_REF_BYTES = 256;
/** Deepest nesting of refs walked (`refs/pr/1` is 3). */
const MAX_REF_DEPTH = 8;

/** One pulled repo, as {@link HubCache.list} reports it. */
export interface CachedRepo {
  readonly repo: string;
  /** Revision → commit, for every ref whose name and content are valid (others are skipped). */
  readonly refs: Record<string, string>;
  readonly bundles: { name: string; bytes: number }[];
  readonly snapshotBytes: number;
}

function checkRepo(repo: string): [string, string] {
  if (typeof repo !== 'string' || repo.includes('@') || !isHubRepoId(repo)) {
    throw new HubError('HUB_INVALID_REPO_ID', `'${String(repo).slice(0, 120)}' is not a Hub repo OWNER/NAME; it cannot name a cache folder.`);
  }
  return repo.split('/') as [string, string];
}

function checkCommit(commit: string): string {
  if (!isCommitHash(commit)) {
    throw new IoError('IO_UNSAFE_PATH', `The commit ${JSON.stringify(String(commit).slice(0, 80))} is not a 40-character hex hash; it cannot name a cache folder.`, { details: { commit: String(commit).slice(0, 80) } });
  }
  return commit;
}

/**
 * Where pulled models live inside the cache directory:
 * `hub/models--OWNER--NAME/` holds `refs/REVISION` (the commit it resolved to),
 * `snapshots/COMMIT/` (the checkpoint files) and `bundles/COMMIT-DTYPE/` (the converted bundle).
 *
 * Every path is built with `joinInside` from checked parts: OWNER/NAME by the Hub's rules, revisions that stay below
 * `refs/`, commits of 40 hex characters, dtypes of the bundle format. What is read back from the cache (ref
 * contents, folder names) is checked by the same rules before it is used, so a hostile ref never leads a removal
 * outside the repo's folder.
 */
export class HubCache {
  readonly root: string;

  /** @param cacheDir - the clipseg cache directory (see `cacheDir()`) */
  constructor(cacheDir: string) {
    this.root = join(cacheDir, 'hub');
  }

  /**
   * The folder of one repo.
   *
   * @throws {@link HubError} `HUB_INVALID_REPO_ID`
   */
  repoDir(repo: string): string {
    const [owner, name] = checkRepo(repo);
    return joinInside(this.root, `models--${owner}--${name}`, 'the repo folder');
  }

  /**
   * The checkpoint folder of a commit.
   *
   * @throws {@link IoError} `IO_UNSAFE_PATH` when `commit` is not a 40-hex hash
   */
  snapshotDir(repo: string, commit: string): string {
    return joinInside(this.repoDir(repo), `snapshots/${checkCommit(commit)}`, 'the snapshot folder');
  }

  /**
   * The bundle folder of a commit and dtype.
   *
   * @throws {@link IoError} `IO_UNSAFE_PATH` when `commit` is not a 40-hex hash or `dtype` not a bundle dtype
   */
  bundleDir(repo: string, commit: string, dtype: string): string {
    if (!isBundleWeightDType(dtype)) throw new IoError('IO_UNSAFE_PATH', `'${String(dtype).slice(0, 40)}' is not a bundle dtype (${BUNDLE_WEIGHT_DTYPES.join(', ')}).`);
    return joinInside(this.repoDir(repo), `bundles/${checkCommit(commit)}-${dtype}`, 'the bundle folder');
  }

  /** The lock file that serialises pulls of one repo. */
  lockFile(repo: string): string {
    return joinInside(this.repoDir(repo), '.lock', 'the lock file');
  }

  /** The file that records what a revision resolved to. */
  refFile(ref: HubRepoRef): string {
    if (!isHubRepoId(`${ref.repo}@${ref.revision}`)) throw new HubError('HUB_INVALID_REPO_ID', `'${String(ref.revision).slice(0, 120)}' is not a revision that can name a ref file.`);
    return joinInside(this.repoDir(ref.repo), `refs/${ref.revision}`, 'the revision');
  }

  /**
   * The commit a revision resolved to when last pulled (a 40-hex revision is its own commit). A ref file that is
   * not a regular file of at most 256 bytes holding a 40-hex commit counts as absent.
   */
  async resolveRevision(ref: HubRepoRef): Promise<string | undefined> {
    if (isCommitHash(ref.revision)) return ref.revision;
    return readRef(this.refFile(ref));
  }

  /** Records that `revision` resolved to `commit` (atomically: a symlink in the way is replaced, not followed). */
  async writeRef(ref: HubRepoRef, commit: string): Promise<void> {
    const file = this.refFile(ref);
    const text = `${checkCommit(commit)}\n`;
    try {
      await mkdir(dirname(file), { recursive: true });
    } catch (error) {
      throw toIoError(error, `Creating ${dirname(file)}`, file, 'IO_WRITE_FAILED');
    }
    await writeFileAtomic(file, [new TextEncoder().encode(text)], { fsync: false });
  }

  /** Every pulled repo with its revisions and bundles, and their sizes on disk. Folders that clipseg would not name are skipped. */
  async list(): Promise<CachedRepo[]> {
    const entries = await readdir(this.root, { withFileTypes: true }).catch(() => []);
    const out: CachedRepo[] = [];
    for (const entry of entries.filter((e) => e.isDirectory() && e.name.startsWith('models--')).sort((a, b) => a.name.localeCompare(b.name))) {
      const repo = entry.name.slice('models--'.length).replace('--', '/');
      if (!isHubRepoId(repo)) continue; // '--' is not allowed in OWNER or NAME, so the split is unambiguous
      const dir = this.repoDir(repo);
      const refs = await this.#refs(repo);
      const bundles = [];
      for (const b of await readdir(joinInside(dir, 'bundles'), { withFileTypes: true }).catch(() => [])) {
        if (b.isDirectory() && /^[0-9a-f]{40}-[a-z0-9]+$/.test(b.name)) bundles.push({ name: b.name, bytes: await folderBytes(joinInside(dir, `bundles/${b.name}`)) });
      }
      out.push({ repo, refs, bundles, snapshotBytes: await folderBytes(joinInside(dir, 'snapshots')) });
    }
    return out;
  }

  /** Revision → commit for every valid ref file of a repo (nested refs such as `refs/pr/1` included). */
  async #refs(repo: string): Promise<Record<string, string>> {
    const refs: Record<string, string> = {};
    const root = joinInside(this.repoDir(repo), 'refs');
    const walk = async (prefix: string, depth: number): Promise<void> => {
      if (depth > MAX_REF_DEPTH) return;
      const dir = prefix === '' ? root : joinInside(root, prefix);
      for (const entry of (await readdir(dir, { withFileTypes: true }).catch(() => [])).sort((a, b) => a.name.localeCompare(b.name))) {
        const name = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
        if (!isHubRepoId(`${repo}@${name}`)) continue; // temporary files, names clipseg never writes
        if (entry.isDirectory()) await walk(name, depth + 1);
        else if (entry.isFile()) {
          const commit = await readRef(joinInside(root, name));
          if (commit) refs[name] = commit;
        }
      }
    };
    await walk('', 0);
    return refs;
  }

  /**
   * Removes a repo (all revisions), or one revision: its ref file and, when no other ref still points at the
   * commit, the commit's snapshot and bundles. A 40-hex revision removes that commit's snapshot and bundles and the
   * refs that point at it. Only paths clipseg names are removed; a ref whose content is not a 40-hex commit is
   * removed without being followed. Returns whether anything was removed.
   *
   * @throws {@link HubError} `HUB_INVALID_REPO_ID`; `IoError` when the file system refuses
   */
  async remove(ref: { repo: string; revision?: string }): Promise<boolean> {
    const dir = this.repoDir(ref.repo);
    try {
      if (!(await lstat(dir).catch(() => undefined))) return false;
      if (ref.revision === undefined) {
        await rm(dir, { recursive: true, force: true }); // a symlink is removed, not followed
        return true;
      }
      const target = { repo: ref.repo, revision: ref.revision };
      const refs = await this.#refs(ref.repo);
      let removed = false;
      let commit: string | undefined;
      if (isCommitHash(ref.revision)) {
        commit = ref.revision;
        for (const [name, c] of Object.entries(refs)) if (c === commit) removed = (await this.#rmInside(this.refFile({ repo: ref.repo, revision: name }))) || removed;
      } else {
        commit = refs[ref.revision];
        removed = await this.#rmInside(this.refFile(target));
        if (commit && Object.entries(refs).some(([name, c]) => name !== ref.revision && c === commit)) commit = undefined; // still used
      }
      if (commit) {
        removed = (await this.#rmInside(this.snapshotDir(ref.repo, commit))) || removed;
        for (const name of await readdir(joinInside(dir, 'bundles')).catch(() => [] as string[])) {
          const ours = BUNDLE_WEIGHT_DTYPES.some((d) => name === `${commit}-${d}` || name.startsWith(`.${commit}-${d}.`));
          if (ours) removed = (await this.#rmInside(joinInside(dir, `bundles/${name}`))) || removed;
        }
      }
      return removed;
    } catch (error) {
      throw toIoError(error, `Removing ${ref.repo}${ref.revision === undefined ? '' : `@${ref.revision}`} from the cache`, dir, 'IO_WRITE_FAILED');
    }
  }

  /** Removes `path` (recursively) when it exists and its real parent folder is inside the real cache root. */
  async #rmInside(path: string): Promise<boolean> {
    if (!(await lstat(path).catch(() => undefined))) return false;
    const [root, parent] = await Promise.all([realpath(this.root), realpath(dirname(path))]);
    const rel = relative(root, parent);
    if (rel.startsWith('..') || rel === '' || rel.startsWith('/')) {
      throw new IoError('IO_UNSAFE_PATH', `${path} leads outside the cache ${this.root} through a symbolic link; remove it by hand.`, { details: { path } });
    }
    await rm(path, { recursive: true, force: true });
    return true;
  }
}

/** The commit a ref file holds, or `undefined` when it is missing, not a small regular file, or not a 40-hex hash. */
async function readRef(file: string): Promise<string | undefined> {
  const bytes = await readFileBounded(file, { maxBytes: MAX_REF_BYTES, what: 'the ref file' }).catch(() => undefined);
  const text = bytes && new TextDecoder().decode(bytes).trim();
  return text && isCommitHash(text) ? text : undefined;
}

/** Total size of the files below a folder (symbolic links are counted by what they point at, never descended). */
export async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? await folderBytes(path) : ((await stat(path).catch(() => undefined))?.size ?? 0);
  }
  return total;
}

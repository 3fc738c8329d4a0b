import { mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HubRepoRef } from '@clipseg/core';

/**
 * Where pulled models live inside the cache directory:
 * `hub/models--OWNER--NAME/` holds `refs/REVISION` (the commit it resolved to),
 * `snapshots/COMMIT/` (the checkpoint files) and `bundles/COMMIT-DTYPE/` (the converted bundle).
 */
export class HubCache {
  readonly root: string;

  /** @param cacheDir - the clipseg cache directory (see `cacheDir()`) */
  constructor(cacheDir: string) {
    this.root = join(cacheDir, 'hub');
  }

  /** The folder of one repo. */
  repoDir(repo: string): string {
    return join(this.root, `models--${repo.replace('/', '--')}`);
  }

  /** The checkpoint folder of a commit. */
  snapshotDir(repo: string, commit: string): string {
    return join(this.repoDir(repo), 'snapshots', commit);
  }

  /** The bundle folder of a commit and dtype. */
  bundleDir(repo: string, commit: string, dtype: string): string {
    return join(this.repoDir(repo), 'bundles', `${commit}-${dtype}`);
  }

  /** The lock file that serialises pulls of one repo. */
  lockFile(repo: string): string {
    return join(this.repoDir(repo), '.lock');
  }

  /** The commit a revision resolved to when last pulled (a 40-hex revision is its own commit). */
  async resolveRevision(ref: HubRepoRef): Promise<string | undefined> {
    if (/^[0-9a-f]{40}$/.test(ref.revision)) return ref.revision;
    const text = await readFile(join(this.repoDir(ref.repo), 'refs', ref.revision), 'utf8').catch(() => undefined);
    return text?.trim() || undefined;
  }

  /** Records that `revision` resolved to `commit`. */
  async writeRef(ref: HubRepoRef, commit: string): Promise<void> {
    const dir = join(this.repoDir(ref.repo), 'refs');
    await mkdir(join(dir, ...ref.revision.split('/').slice(0, -1)), { recursive: true });
    await writeFile(join(dir, ref.revision), commit);
  }

  /** Every pulled repo with its revisions and bundles, and their sizes on disk. */
  async list(): Promise<{ repo: string; refs: Record<string, string>; bundles: { name: string; bytes: number }[]; snapshotBytes: number }[]> {
    const entries = await readdir(this.root).catch(() => [] as string[]);
    const out = [];
    for (const entry of entries.filter((e) => e.startsWith('models--')).sort()) {
      const repo = entry.slice('models--'.length).replace('--', '/');
      const dir = join(this.root, entry);
      const refs: Record<string, string> = {};
      for (const name of await readdir(join(dir, 'refs')).catch(() => [] as string[])) refs[name] = (await readFile(join(dir, 'refs', name), 'utf8')).trim();
      const bundles = [];
      for (const name of await readdir(join(dir, 'bundles')).catch(() => [] as string[])) {
        if (!name.startsWith('.')) bundles.push({ name, bytes: await folderBytes(join(dir, 'bundles', name)) });
      }
      out.push({ repo, refs, bundles, snapshotBytes: await folderBytes(join(dir, 'snapshots')) });
    }
    return out;
  }

  /** Removes a repo (all revisions), or one revision's snapshot and bundles. Returns whether anything was removed. */
  async remove(ref: { repo: string; revision?: string }): Promise<boolean> {
    const dir = this.repoDir(ref.repo);
    if (!(await stat(dir).catch(() => undefined))) return false;
    if (ref.revision === undefined) {
      await rm(dir, { recursive: true, force: true });
      return true;
    }
    const commit = await this.resolveRevision({ repo: ref.repo, revision: ref.revision });
    if (!commit) return false;
    await rm(this.snapshotDir(ref.repo, commit), { recursive: true, force: true });
    for (const name of await readdir(join(dir, 'bundles')).catch(() => [] as string[])) {
      if (name.startsWith(commit)) await rm(join(dir, 'bundles', name), { recursive: true, force: true });
    }
    await rm(join(dir, 'refs', ref.revision), { force: true });
    return true;
  }
}

/** Total size of the files below a folder. */
export async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? await folderBytes(path) : ((await stat(path).catch(() => undefined))?.size ?? 0);
  }
  return total;
}

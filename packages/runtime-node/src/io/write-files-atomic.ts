import { randomBytes } from 'node:crypto';
import { lstat, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { IoError } from '@clipseg/core';
import { ioErrorCodeOf, shortened, toIoError } from './node-io-error.js';
import { writeFileAtomic } from './write-file-atomic.js';

interface Staged {
  readonly target: string;
  readonly temp: string;
  /** Where the file that was at `target` waits until every new file is in place. */
  backup?: string;
  /** True once the new file is at `target`. */
  placed?: boolean;
}

/** True when something (a file, a link, a folder) is at `path`; a path that cannot be examined throws. */
async function present(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw toIoError(error, `Examining "${shortened(path)}"`, path, 'IO_WRITE_FAILED');
  }
}

/** Refuses lists that name one file twice or that would replace a folder, before anything is written. */
async function checkTargets(targets: readonly string[]): Promise<void> {
  const seen = new Set<string>();
  for (const target of targets) {
    if (seen.has(target)) throw new IoError('IO_TARGET_EXISTS', `"${shortened(target)}" is to be written twice in one go; give each output its own name.`, { details: { path: target } });
    seen.add(target);
    const info = await lstat(target).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw toIoError(error, `Examining "${shortened(target)}"`, target, 'IO_WRITE_FAILED');
    });
    if (info?.isDirectory()) {
      throw new IoError('IO_TARGET_EXISTS', `"${shortened(target)}" is a folder, so no file can be written there; move it away or choose another output name.`, { details: { path: target } });
    }
  }
}

/** Undoes the renames: removes the new files placed so far and moves the old ones back. Returns what could not be restored. */
async function rollBack(staged: readonly Staged[]): Promise<string[]> {
  const lost: string[] = [];
  for (const s of [...staged].reverse()) {
    await rm(s.temp, { force: true }).catch(() => undefined);
    if (s.placed) await rm(s.target, { force: true }).catch(() => undefined);
    if (s.backup !== undefined) {
      const back = await rename(s.backup, s.target).then(() => true, () => false);
      if (!back) lost.push(`${s.target} (its previous content is kept as ${s.backup})`);
    }
  }
  return lost;
}

/**
 * Writes several files all-or-nothing: each goes to a temporary sibling first; only when every one is written are
 * they renamed into place, each file already at a target being moved aside first. If anything fails, the
 * temporaries and the new files are removed and the moved-aside files are put back, so every target is as it was
 * (the message names any that could not be restored, and where its old content is). When all are in place, the
 * moved-aside files are removed. A target that is a folder, or one listed twice, is refused before anything is
 * written.
 *
 * @throws {@link IoError} `IO_TARGET_EXISTS` (a folder in the way, a target listed twice), else the code of the
 *   failure (`IO_NOT_FOUND`, `IO_UNSAFE_PATH`, `IO_OPEN_FAILED`, `IO_WRITE_FAILED`), the Node error as `cause`.
 */
export async function writeFilesAtomic(files: readonly (readonly [string, Uint8Array])[]): Promise<void> {
  const tag = randomBytes(6).toString('hex');
  const entries = files.map(([path, bytes]) => ({ target: resolve(path), bytes }));
  await checkTargets(entries.map((e) => e.target));
  const staged: Staged[] = [];
  try {
    for (const { target, bytes } of entries) {
      const temp = join(dirname(target), `.${basename(target)}.${tag}.tmp`);
      staged.push({ target, temp });
      await writeFileAtomic(temp, [bytes], { fsync: false });
    }
    for (const s of staged) {
      if (await present(s.target)) {
        s.backup = join(dirname(s.target), `.${basename(s.target)}.${tag}.old`);
        await rename(s.target, s.backup);
      }
      await rename(s.temp, s.target);
      s.placed = true;
    }
  } catch (error) {
    const lost = await rollBack(staged);
    const outcome = lost.length === 0 ? 'every output file is as it was before' : `could not restore ${lost.join('; ')}`;
    const reason = shortened(error instanceof Error ? error.message : String(error));
    throw new IoError(error instanceof IoError ? error.code : (ioErrorCodeOf(error) ?? 'IO_WRITE_FAILED'), `Writing the output files failed (${reason}); ${outcome}.`, {
      cause: error,
      details: { files: entries.length, notRestored: lost },
    });
  }
  await Promise.all(staged.map((s) => (s.backup === undefined ? undefined : rm(s.backup, { force: true }).catch(() => undefined))));
}

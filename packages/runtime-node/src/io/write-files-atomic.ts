import { randomBytes } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { IoError } from '@clipseg/core';
import { writeFileAtomic } from './write-file-atomic.js';

/**
 * Writes several files all-or-nothing: each goes to a temporary sibling
 * first, and only when every one is written are they renamed into place. If
 * anything fails, the temporaries are removed and no target is touched (a
 * failure during the final renames removes the targets already renamed).
 */
export async function writeFilesAtomic(files: readonly (readonly [string, Uint8Array])[]): Promise<void> {
  const tag = randomBytes(6).toString('hex');
  const staged: [string, string][] = [];
  const placed: string[] = [];
  try {
    for (const [path, bytes] of files) {
      const target = resolve(path);
      const temp = join(dirname(target), `.${basename(target)}.${tag}.tmp`);
      staged.push([temp, target]);
      await writeFileAtomic(temp, [bytes], { fsync: false });
    }
    for (const [temp, target] of staged) {
      await rename(temp, target);
      placed.push(target);
    }
  } catch (error) {
    await Promise.all([...staged.map(([temp]) => rm(temp, { force: true })), ...placed.map((p) => rm(p, { force: true }))]);
    if (error instanceof IoError) throw error;
    throw new IoError('IO_WRITE_FAILED', `Writing the output files failed (${(error as Error).message}); none was left behind.`, { cause: error });
  }
}

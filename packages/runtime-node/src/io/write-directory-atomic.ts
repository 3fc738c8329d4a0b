import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { IoError } from '@clipseg/core';
import { writeFileAtomic } from './write-file-atomic.js';

/** Options of {@link writeDirectoryAtomic}. */
export interface WriteDirectoryAtomicOptions {
  /** Replace an existing directory at the target (it is removed only after the new one is complete). */
  readonly force?: boolean;
  /** Called after each file is written with its name. */
  readonly onFile?: (name: string) => void;
}

/** A file to write: its bytes, or chunks streamed in order. */
export type DirectoryFileContent = Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>;

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Writes a whole directory so that it appears complete or not at all: files
 * go into a hidden temporary sibling directory, which is renamed into place
 * at the end. A failure removes the temporary directory and leaves any
 * existing target untouched; an existing target is refused unless `force`.
 *
 * @throws {@link IoError} `IO_TARGET_EXISTS` without `force`, `IO_WRITE_FAILED` otherwise.
 */
export async function writeDirectoryAtomic(
  target: string,
  files: Iterable<[string, DirectoryFileContent]>,
  options: WriteDirectoryAtomicOptions = {},
): Promise<void> {
  const dir = resolve(target);
  if ((await exists(dir)) && !options.force) {
    throw new IoError('IO_TARGET_EXISTS', `${dir} already exists; choose another folder or pass --force to replace it.`, { details: { path: dir } });
  }
  const parent = dirname(dir);
  const temp = join(parent, `.${basename(dir)}.tmp-${randomBytes(6).toString('hex')}`);
  try {
    await mkdir(parent, { recursive: true });
    await mkdir(temp);
  } catch (error) {
    throw new IoError('IO_WRITE_FAILED', `Cannot create ${temp} (${(error as Error).message}); check that ${parent} is writable.`, { cause: error });
  }
  let backup: string | undefined;
  try {
    for (const [name, content] of files) {
      if (name.includes('/') || name.includes('\\') || name.startsWith('.')) throw new IoError('IO_WRITE_FAILED', `Refusing to write '${name}': not a plain file name.`);
      await writeFileAtomic(join(temp, name), content instanceof Uint8Array ? [content] : content, { fsync: false });
      options.onFile?.(name);
    }
    if (await exists(dir)) {
      backup = join(parent, `.${basename(dir)}.old-${randomBytes(6).toString('hex')}`);
      await rename(dir, backup);
    }
    await rename(temp, dir);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    if (backup && !(await exists(dir))) await rename(backup, dir).catch(() => undefined);
    if (error instanceof IoError) throw error;
    throw new IoError('IO_WRITE_FAILED', `Writing ${dir} failed (${(error as Error).message}); nothing was left behind.`, { cause: error });
  }
  if (backup) await rm(backup, { recursive: true, force: true });
}

import { randomBytes } from 'node:crypto';
import { lstat, mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { IoError } from '@clipseg/core';
import { joinInside } from './checked-join.js';
import { ioErrorCodeOf, shortened, toIoError } from './node-io-error.js';
import { writeFileAtomic } from './write-file-atomic.js';
import { checkReplaceable, type OwnedDirectoryKind } from './write-target-guard.js';

/** Options of {@link writeDirectoryAtomic}. */
export interface WriteDirectoryAtomicOptions {
  /**
   * Replace an existing folder at the target, but only one of `kind` that this toolkit wrote (see
   * `checkReplaceable`); the old folder is moved aside until the new one is in place, then removed.
   */
  readonly force?: boolean;
  /** The kind of folder written, which is the only kind `force` replaces. Default `bundle`. */
  readonly kind?: OwnedDirectoryKind;
  /** Folders that must survive (the source of a conversion): the target may not be one of them or hold one. */
  readonly keep?: readonly string[];
  /** Called after each file is written with its name. */
  readonly onFile?: (name: string) => void;
}

/** A file to write: its bytes, or chunks streamed in order. */
export type DirectoryFileContent = Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>;

async function present(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Writes a whole directory so that it appears complete or not at all: files (plain relative names, `a/b.onnx`
 * allowed) go into a hidden temporary sibling directory, which is renamed into place at the end. A failure removes
 * the temporary directory and leaves any existing target as it was. An existing target is refused unless `force`,
 * and even then unless it is a folder of `kind` this toolkit wrote and not (an ancestor of) a folder of `keep`;
 * the check is made before writing and again just before the old folder is moved aside. Without `force`, a target
 * that appears while the files are written is left alone (the first writer wins).
 *
 * @throws {@link IoError} `IO_TARGET_EXISTS` (see above), `IO_UNSAFE_PATH` for a file name that is not a plain
 *   relative name, else the code of the file-system failure (`IO_NOT_FOUND`, `IO_WRITE_FAILED`, …), the Node error
 *   as `cause`.
 */
export async function writeDirectoryAtomic(
  target: string,
  files: Iterable<[string, DirectoryFileContent]>,
  options: WriteDirectoryAtomicOptions = {},
): Promise<void> {
  const dir = resolve(target);
  await checkReplaceable(dir, options);
  const parent = dirname(dir);
  const temp = join(parent, `.${basename(dir)}.tmp-${randomBytes(6).toString('hex')}`);
  try {
    await mkdir(parent, { recursive: true });
    await mkdir(temp);
  } catch (error) {
    throw toIoError(error, `Creating "${shortened(temp)}" (check that ${shortened(parent)} is writable)`, temp, 'IO_WRITE_FAILED');
  }
  try {
    for (const [name, content] of files) {
      const path = joinInside(temp, name, 'the file name');
      if (name.includes('/')) await mkdir(dirname(path), { recursive: true });
      await writeFileAtomic(path, content instanceof Uint8Array ? [content] : content, { fsync: false });
      options.onFile?.(name);
    }
  } catch (error) {
    await rm(temp, { recursive: true, force: true }).catch(() => undefined);
    throw toIoError(error, `Writing "${shortened(dir)}" (nothing was left behind)`, dir, 'IO_WRITE_FAILED');
  }
  let backup: string | undefined;
  try {
    if (await present(dir)) {
      await checkReplaceable(dir, options); // it may have appeared or changed while the files were written
      backup = join(parent, `.${basename(dir)}.old-${randomBytes(6).toString('hex')}`);
      await rename(dir, backup);
    }
    await rename(temp, dir);
  } catch (error) {
    await rm(temp, { recursive: true, force: true }).catch(() => undefined);
    const restored = backup === undefined || (await rename(backup, dir).then(() => true, () => false));
    const outcome = restored ? 'the folder that was there is unchanged' : `the folder that was there is kept as ${backup}`;
    const reason = shortened(error instanceof Error ? error.message : String(error));
    throw new IoError(error instanceof IoError ? error.code : (ioErrorCodeOf(error) ?? 'IO_WRITE_FAILED'), `Writing ${shortened(dir)} failed (${reason}); ${outcome}.`, {
      cause: error,
      details: { path: dir },
    });
  }
  if (backup !== undefined) await rm(backup, { recursive: true, force: true }).catch(() => undefined);
}

import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { IoError } from '@clipseg/core';
import { isNodeError, shortened, toIoError } from './node-io-error.js';

/** Options of {@link writeFileAtomic}. */
export interface WriteFileAtomicOptions {
  /** `fsync` the temporary file before renaming it, so a crash cannot leave an empty file in place. Default `true`. */
  readonly fsync?: boolean;
  /** Aborts the write between chunks; the temporary file is removed and the target left untouched. */
  readonly signal?: AbortSignal;
  /**
   * Called after each chunk is written, with the bytes written so far. If it
   * throws, the write is abandoned like any other failure.
   */
  readonly onProgress?: (bytesWritten: number) => void;
}

/** Largest single `write(2)` issued; longer chunks are split. */
const MAX_WRITE_CHUNK = 1 << 30;

async function writeAll(handle: FileHandle, chunk: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < chunk.byteLength) {
    const { bytesWritten } = await handle.write(chunk, done, Math.min(chunk.byteLength - done, MAX_WRITE_CHUNK), position + done);
    done += bytesWritten;
  }
}

/**
 * Writes a stream of chunks to `path` atomically: the chunks go to a
 * temporary file in the same directory (`.<name>.<random>.tmp`, created
 * exclusively), which is flushed and then renamed over `path`. Readers see
 * either the old file or the complete new one. On any failure — a chunk
 * producer that throws, an abort, a full disk — the temporary file is
 * removed, `path` is left as it was, and the error is rethrown
 * (`CLIPSegError`s, abort reasons and producer errors as they are; Node's
 * file-system errors wrapped in an `IoError` with a code of ours, the Node error
 * as `cause`: `IO_OPEN_FAILED` when the temporary file cannot be created (a
 * missing folder, a path too long or with a NUL byte), else the code of
 * `toIoError` (`IO_NOT_FOUND`, `IO_UNSAFE_PATH`, … or `IO_WRITE_FAILED`)).
 *
 * The new file gets default permissions (0o666 less the umask), not those of
 * a file it replaces.
 *
 * @param path - destination file
 * @param chunks - the bytes to write, in order
 * @param options - fsync, abort signal, progress callback
 */
export async function writeFileAtomic(
  path: string,
  chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
  options: WriteFileAtomicOptions = {},
): Promise<void> {
  const target = resolve(path);
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  options.signal?.throwIfAborted();
  let handle: FileHandle;
  try {
    handle = await open(temp, 'wx');
  } catch (cause) {
    const reason = shortened(cause instanceof Error ? cause.message : String(cause));
    throw new IoError('IO_OPEN_FAILED', `Cannot create a temporary file beside "${shortened(target)}" (${reason}). Check that the directory exists and is writable.`, {
      cause,
      details: { path: target },
    });
  }
  let handleOpen = true;
  try {
    let written = 0;
    for await (const chunk of chunks) {
      options.signal?.throwIfAborted();
      await writeAll(handle, chunk, written);
      written += chunk.byteLength;
      options.onProgress?.(written);
    }
    options.signal?.throwIfAborted();
    if (options.fsync ?? true) await handle.sync();
    handleOpen = false;
    await handle.close();
    await rename(temp, target);
  } catch (error) {
    if (handleOpen) await handle.close().catch(() => undefined);
    await rm(temp, { force: true }).catch(() => undefined);
    if (options.signal?.aborted && error === options.signal.reason) throw error;
    if (isNodeError(error)) throw toIoError(error, `Writing "${shortened(target)}" (the file was left unchanged)`, target, 'IO_WRITE_FAILED');
    throw error;
  }
}

import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { checkByteRange, IoError } from '@clipseg/core';
import type { ByteSource } from '@clipseg/core';

/** A {@link ByteSource} over a file on disk, with a `close()` that must be called. */
export interface FileSource extends ByteSource {
  /** The path the file was opened from. */
  readonly path: string;
  /** Closes the file handle. Idempotent; later reads fail with `IO_CLOSED`. */
  close(): Promise<void>;
}

/** Largest single `read(2)` issued; longer reads are split. */
const MAX_READ_CHUNK = 1 << 30;

function reason(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

/**
 * Opens a file for lazy random-access reading through a `node:fs/promises`
 * `FileHandle`. Nothing but the size is read up front; each `read(offset,
 * length)` is a positional read into a fresh buffer, so concurrent reads are
 * safe and memory stays proportional to what is asked for. The size is taken
 * when the file is opened; if the file shrinks later, reads come back short.
 *
 * @param path - the file to open
 * @throws {@link IoError} `IO_OPEN_FAILED` when the file cannot be opened or is not a regular file
 */
export async function openFileSource(path: string): Promise<FileSource> {
  let handle: FileHandle;
  try {
    // Non-blocking: opening a FIFO must not wait for a writer (it is refused below, as not a regular file).
    handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (cause) {
    throw new IoError('IO_OPEN_FAILED', `Cannot open "${path}" for reading (${reason(cause)}). Check that the path exists and is readable.`, {
      cause,
      details: { path },
    });
  }
  let size: number;
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) {
      throw new IoError('IO_OPEN_FAILED', `"${path}" is not a regular file. Pass the path of a file, not a directory or device.`, { details: { path } });
    }
    size = stat.size;
  } catch (error) {
    await handle.close().catch(() => undefined);
    if (error instanceof IoError) throw error;
    throw new IoError('IO_OPEN_FAILED', `Cannot stat "${path}" (${reason(error)}).`, { cause: error, details: { path } });
  }

  let closing: Promise<void> | undefined;
  const closedError = (): IoError => new IoError('IO_CLOSED', `The file "${path}" was closed; open it again to read more.`, { details: { path } });

  return {
    path,
    size,
    async read(offset: number, length: number): Promise<Uint8Array> {
      if (closing) throw closedError();
      checkByteRange(offset, length, size);
      const out = new Uint8Array(length);
      let filled = 0;
      while (filled < length) {
        let bytesRead: number;
        try {
          ({ bytesRead } = await handle.read(out, filled, Math.min(length - filled, MAX_READ_CHUNK), offset + filled));
        } catch (cause) {
          if (closing) throw closedError();
          throw new IoError('IO_READ_FAILED', `Reading ${length} bytes at offset ${offset} of "${path}" failed (${reason(cause)}).`, {
            cause,
            details: { path, offset, length },
          });
        }
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return filled === length ? out : out.subarray(0, filled);
    },
    close(): Promise<void> {
      closing ??= handle.close();
      return closing;
    },
  };
}

import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { IoError } from '@clipseg/core';

/** Options of {@link readFileBounded}. */
export interface ReadFileBoundedOptions {
  /** Refuse files larger than this many bytes (checked before reading, and again while reading). */
  readonly maxBytes: number;
  /** What the file is, for messages (default: the path in quotes). */
  readonly what?: string;
}

function reason(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

/**
 * Opens a file for reading without ever blocking on it or reading it without limit: the open is non-blocking (a
 * FIFO does not wait for a writer), anything that is not a regular file (a directory, `/dev/zero`, a FIFO, a socket,
 * followed through symlinks) is refused, and so is a file larger than `maxBytes`.
 *
 * @throws {@link IoError} `IO_NOT_FOUND`, `IO_NOT_A_FILE`, `IO_TOO_LARGE`, `IO_OPEN_FAILED`
 */
export async function openRegularFile(path: string, options: ReadFileBoundedOptions): Promise<{ handle: FileHandle; size: number }> {
  const what = options.what ?? `"${path}"`;
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new IoError('IO_NOT_FOUND', `${what} does not exist; check the path.`, { cause, details: { path } });
    if (code === 'EISDIR') throw new IoError('IO_NOT_A_FILE', `${what} is a directory, not a file; pass the path of a file.`, { cause, details: { path } });
    throw new IoError('IO_OPEN_FAILED', `Cannot open ${what} for reading (${reason(cause)}). Check that the path exists and is readable.`, { cause, details: { path } });
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) {
      const kind = stat.isDirectory() ? 'a directory' : stat.isFIFO() ? 'a FIFO (named pipe)' : stat.isSocket() ? 'a socket' : 'a device';
      throw new IoError('IO_NOT_A_FILE', `${what} is ${kind}, not a regular file; pass the path of a file.`, { details: { path } });
    }
    if (stat.size > options.maxBytes) {
      throw new IoError('IO_TOO_LARGE', `${what} is ${stat.size} bytes, over the ${options.maxBytes}-byte limit for it.`, { details: { path, size: stat.size, maxBytes: options.maxBytes } });
    }
    return { handle, size: stat.size };
  } catch (error) {
    await handle.close().catch(() => undefined);
    if (error instanceof IoError) throw error;
    throw new IoError('IO_OPEN_FAILED', `Cannot stat ${what} (${reason(error)}).`, { cause: error, details: { path } });
  }
}

/**
 * Reads a whole regular file, bounded: see {@link openRegularFile} for what is refused before reading; a file that
 * grows past `maxBytes` while it is read is refused too. Never reads more than `maxBytes + 1` bytes.
 *
 * @throws {@link IoError} `IO_NOT_FOUND`, `IO_NOT_A_FILE`, `IO_TOO_LARGE`, `IO_OPEN_FAILED`, `IO_READ_FAILED`
 */
export async function readFileBounded(path: string, options: ReadFileBoundedOptions): Promise<Uint8Array> {
  const what = options.what ?? `"${path}"`;
  const { handle, size } = await openRegularFile(path, options);
  try {
    // One byte more than expected tells a file that grew apart from one that did not.
    const out = new Uint8Array(Math.min(size, options.maxBytes) + 1);
    let filled = 0;
    while (filled < out.length) {
      const { bytesRead } = await handle.read(out, filled, out.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    if (filled > options.maxBytes) {
      throw new IoError('IO_TOO_LARGE', `${what} grew past the ${options.maxBytes}-byte limit while it was read.`, { details: { path, maxBytes: options.maxBytes } });
    }
    return out.subarray(0, filled);
  } catch (error) {
    if (error instanceof IoError) throw error;
    throw new IoError('IO_READ_FAILED', `Reading ${what} failed (${reason(error)}).`, { cause: error, details: { path } });
  } finally {
    await handle.close().catch(() => undefined);
  }
}

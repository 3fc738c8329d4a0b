import { checkByteRange, IoError, type ByteSource } from '@clipseg/core';
import { WebLoadError } from '../errors/web-load-error.js';

/** Reads a whole `Blob`/`File`, mapping read failures to {@link WebLoadError} `WEB_FILE_READ_FAILED`. @internal */
export async function readBlob(blob: Blob, what: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await blob.arrayBuffer());
  } catch (error) {
    throw new WebLoadError('WEB_FILE_READ_FAILED', `Could not read ${what} (${error instanceof Error ? error.message : String(error)}); it may have been moved, changed or deleted since it was picked. Pick it again.`, {
      cause: error,
    });
  }
}

/**
 * A core {@link ByteSource} over a `Blob` or `File`: random access through `slice`, so a large checkpoint the user
 * picked is never read whole.
 */
export function blobSource(blob: Blob, what = 'the file'): ByteSource {
  let closed = false;
  return {
    size: blob.size,
    async read(offset, length) {
      if (closed) throw new IoError('IO_CLOSED', 'This byte source was closed; open a new one to read again.');
      checkByteRange(offset, length, blob.size);
      return readBlob(blob.slice(offset, offset + length), what);
    },
    async close() {
      closed = true;
    },
  };
}

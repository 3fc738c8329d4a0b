import { IoError } from './io-error.js';

/**
 * Random-access, read-only bytes: an in-memory buffer, a file handle, a
 * `Blob`, an HTTP range reader … Readers such as the safetensors reader only
 * ever ask for the ranges they need, so a source over a 600 MB file never has
 * to hold it all in memory.
 */
export interface ByteSource {
  /** Total number of bytes in the source. */
  readonly size: number;
  /**
   * Reads `length` bytes starting at `offset`.
   *
   * Implementations must resolve with exactly `length` bytes when
   * `offset + length <= size`; a shorter result means the underlying data
   * shrank and callers treat it as truncation. The returned array may be a
   * view into memory the source shares with others (see {@link bytesSource}),
   * so copy it before mutating.
   *
   * @param offset - first byte, a non-negative integer
   * @param length - number of bytes, a non-negative integer
   */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** Releases the underlying resource (file handle …). Idempotent. */
  close?(): Promise<void>;
}

/**
 * Throws {@link IoError} `IO_RANGE_INVALID` unless `[offset, offset + length)`
 * is a valid integer range inside a source of `size` bytes.
 *
 * @param offset - first byte requested
 * @param length - number of bytes requested
 * @param size - size of the source
 */
export function checkByteRange(offset: number, length: number, size: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > size) {
    throw new IoError(
      'IO_RANGE_INVALID',
      `Cannot read ${String(length)} bytes at offset ${String(offset)} from a source of ${size} bytes: the range must be non-negative integers inside the source.`,
      { details: { offset, length, size } },
    );
  }
}

/**
 * A {@link ByteSource} over bytes already in memory.
 *
 * Reads return views (`subarray`) into `data`, not copies: nothing is
 * duplicated, but whatever a reader builds from those views shares memory
 * with `data`. `close()` is a no-op apart from refusing later reads.
 *
 * @param data - the whole file's bytes
 */
export function bytesSource(data: Uint8Array | ArrayBuffer): ByteSource {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  let closed = false;
  return {
    size: bytes.byteLength,
    read(offset: number, length: number): Promise<Uint8Array> {
      if (closed) return Promise.reject(new IoError('IO_CLOSED', 'This byte source was closed; open a new one to read again.'));
      try {
        checkByteRange(offset, length, bytes.byteLength);
      } catch (error) {
        return Promise.reject(error as Error);
      }
      return Promise.resolve(bytes.subarray(offset, offset + length));
    },
    close(): Promise<void> {
      closed = true;
      return Promise.resolve();
    },
  };
}

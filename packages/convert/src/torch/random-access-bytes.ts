import { torchError } from './torch-checkpoint-error.js';

/**
 * Synchronous random access to the bytes of one file: all the zip reader and
 * the torch checkpoint reader ever need. {@link bytesAccess} wraps a whole
 * file held in memory; a lazy source (a memory-mapped file, a cache of
 * fetched ranges) can implement the same two members.
 *
 * Callers validate every range against `size` before calling `read`, so an
 * implementation never sees an out-of-range request.
 */
export interface RandomAccessBytes {
  /** Total number of bytes. */
  readonly size: number;
  /**
   * Exactly `length` bytes starting at `offset`. The result may be a view of
   * shared memory: readers never mutate it.
   *
   * @param offset - first byte, `0 <= offset <= size`
   * @param length - number of bytes, `offset + length <= size`
   */
  read(offset: number, length: number): Uint8Array;
}

/**
 * {@link RandomAccessBytes} over a file already in memory. Reads are
 * zero-copy views (`subarray`) of `bytes`.
 *
 * @param bytes - the whole file
 */
export function bytesAccess(bytes: Uint8Array): RandomAccessBytes {
  return {
    size: bytes.byteLength,
    read: (offset, length) => bytes.subarray(offset, offset + length),
  };
}

/**
 * Reads `[offset, offset + length)` after checking that it is an integer
 * range inside the source, and that the source returned exactly that many
 * bytes.
 *
 * @param source - the bytes
 * @param offset - first byte
 * @param length - number of bytes
 * @param what - what is being read, for the error message
 * @throws {@link TorchCheckpointError} `TORCH_ZIP_INVALID` when the range is
 *   outside the file
 */
export function readRange(source: RandomAccessBytes, offset: number, length: number, what: string): Uint8Array {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > source.size) {
    throw torchError(
      'TORCH_ZIP_INVALID',
      `The ${what} (${String(length)} bytes at offset ${String(offset)}) lies outside the ${String(source.size)}-byte file; the file is truncated or corrupt.`,
      { offset, length, size: source.size, what },
    );
  }
  const bytes = source.read(offset, length);
  if (bytes.byteLength !== length) {
    throw torchError('TORCH_ZIP_INVALID', `Reading the ${what} returned ${String(bytes.byteLength)} bytes instead of ${String(length)}; the source shrank.`, {
      offset,
      length,
      what,
    });
  }
  return bytes;
}

/**
 * Little-endian field reader over a small record (a zip header). Every
 * accessor checks bounds and throws `TORCH_ZIP_INVALID` naming `what`.
 */
export class LittleEndianFields {
  readonly #view: DataView;
  readonly #what: string;

  /**
   * @param bytes - the record
   * @param what - name of the record, for messages
   */
  constructor(bytes: Uint8Array, what: string) {
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#what = what;
  }

  /** Number of bytes in the record. */
  get length(): number {
    return this.#view.byteLength;
  }

  #check(offset: number, width: number): void {
    if (offset < 0 || offset + width > this.#view.byteLength) {
      throw torchError('TORCH_ZIP_INVALID', `The ${this.#what} is too short: a ${String(width)}-byte field at ${String(offset)} is past its end.`, {
        what: this.#what,
        offset,
      });
    }
  }

  /** Unsigned 16-bit field at `offset`. */
  u16(offset: number): number {
    this.#check(offset, 2);
    return this.#view.getUint16(offset, true);
  }

  /** Unsigned 32-bit field at `offset`. */
  u32(offset: number): number {
    this.#check(offset, 4);
    return this.#view.getUint32(offset, true);
  }

  /**
   * Unsigned 64-bit field at `offset`, as a number.
   *
   * @throws {@link TorchCheckpointError} `TORCH_ZIP_INVALID` above 2^53 − 1
   */
  u64(offset: number): number {
    this.#check(offset, 8);
    const low = this.#view.getUint32(offset, true);
    const high = this.#view.getUint32(offset + 4, true);
    if (high >= 0x200000) {
      throw torchError('TORCH_ZIP_INVALID', `A 64-bit field of the ${this.#what} at ${String(offset)} is beyond 2^53; no real file is that large.`, {
        what: this.#what,
        offset,
      });
    }
    return high * 0x1_0000_0000 + low;
  }
}

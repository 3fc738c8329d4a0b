/**
 * Byte sources that fail the property (with a plain, untyped error) when a parser asks for bytes outside the input,
 * and record how much it asked for: a parser must never size a read, or an allocation, from a length the input
 * merely claims.
 */
import type { ByteSource } from '../packages/core/src/io/byte-source.js';

/** What a parser read from a recording source. */
export interface ReadLog {
  /** Number of reads. */
  reads: number;
  /** Bytes of the largest single read. */
  largest: number;
  /** Bytes read in all. */
  total: number;
}

function check(bytes: Uint8Array, offset: number, length: number, log: ReadLog): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > bytes.length) {
    throw new Error(`The parser asked for ${String(length)} bytes at offset ${String(offset)} of a ${bytes.length}-byte input: it trusted a size or offset from the input.`);
  }
  log.reads++;
  log.total += length;
  log.largest = Math.max(log.largest, length);
}

/**
 * An asynchronous `ByteSource` (core's interface) over `bytes` that checks and records every read.
 *
 * @param bytes - the whole input
 */
export function recordingByteSource(bytes: Uint8Array): { readonly source: ByteSource; readonly log: ReadLog } {
  const log: ReadLog = { reads: 0, largest: 0, total: 0 };
  const source: ByteSource = {
    size: bytes.length,
    read(offset, length) {
      check(bytes, offset, length, log);
      return Promise.resolve(bytes.subarray(offset, offset + length));
    },
  };
  return { source, log };
}

/**
 * A synchronous random-access source (`{ size, read }`, convert's `RandomAccessBytes`) over `bytes` that checks and
 * records every read.
 *
 * @param bytes - the whole input
 */
export function recordingRandomAccess(bytes: Uint8Array): { readonly access: { readonly size: number; read(offset: number, length: number): Uint8Array }; readonly log: ReadLog } {
  const log: ReadLog = { reads: 0, largest: 0, total: 0 };
  return {
    access: {
      size: bytes.length,
      read(offset, length) {
        check(bytes, offset, length, log);
        return bytes.subarray(offset, offset + length);
      },
    },
    log,
  };
}

/**
 * A tiny zip writer for tests: builds well-formed and deliberately broken
 * archives in memory. Not part of the public API.
 */
import { encodeUtf8 } from '@clipseg/core/utf8';
import { crc32 } from '../../src/torch/crc32.js';

/** One entry to write. */
export interface ZipWriterEntry {
  /** Path inside the archive. */
  readonly name: string;
  /** Data (written as-is, whatever `method` says). */
  readonly data: Uint8Array;
  /** Compression method to record (default 0, stored). */
  readonly method?: number;
  /** General purpose flags to record (default 0). */
  readonly flags?: number;
  /** CRC-32 to record instead of the real one. */
  readonly crc32?: number;
  /** Extracted size to record instead of the real one. */
  readonly recordedSize?: number;
  /** Name to write in the local header instead of `name`. */
  readonly localName?: string;
}

/** Options of {@link writeZip}. */
export interface ZipWriterOptions {
  /**
   * Write a ZIP64 end record and locator; with `'sentinels'`, also record
   * sizes and offsets as 0xFFFFFFFF with the real values in ZIP64 extra
   * fields (what writers do for files over 4 GiB).
   */
  readonly zip64?: boolean | 'sentinels';
  /** Pad local headers (like torch's "FB" extra field) so data starts on this alignment. */
  readonly align?: number;
  /** Archive comment. */
  readonly comment?: string;
}

class ByteSink {
  readonly chunks: number[] = [];
  get length(): number {
    return this.chunks.length;
  }
  u8(v: number): void {
    this.chunks.push(v & 0xff);
  }
  u16(v: number): void {
    this.u8(v);
    this.u8(v >>> 8);
  }
  u32(v: number): void {
    this.u16(v & 0xffff);
    this.u16(Math.floor(v / 0x10000) & 0xffff);
  }
  u64(v: number): void {
    this.u32(v % 0x1_0000_0000);
    this.u32(Math.floor(v / 0x1_0000_0000));
  }
  bytes(b: Uint8Array): void {
    for (const x of b) this.chunks.push(x);
  }
}

/**
 * Writes a zip archive.
 *
 * @param entries - entries in order
 * @param options - ZIP64, alignment, comment
 */
export function writeZip(entries: readonly ZipWriterEntry[], options: ZipWriterOptions = {}): Uint8Array {
  const out = new ByteSink();
  const sentinels = options.zip64 === 'sentinels';
  const records: { entry: ZipWriterEntry; offset: number; crc: number; size: number; name: Uint8Array }[] = [];
  for (const entry of entries) {
    const name = encodeUtf8(entry.name);
    const localName = encodeUtf8(entry.localName ?? entry.name);
    const crc = entry.crc32 ?? crc32(entry.data);
    const size = entry.recordedSize ?? entry.data.length;
    const offset = out.length;
    let pad = 0;
    if (options.align !== undefined) {
      const dataStart = offset + 30 + localName.length + 4;
      pad = (options.align - (dataStart % options.align)) % options.align;
    }
    out.u32(0x04034b50);
    out.u16(sentinels ? 45 : 20);
    out.u16(entry.flags ?? 0);
    out.u16(entry.method ?? 0);
    out.u16(0);
    out.u16(0);
    out.u32(crc);
    out.u32(size);
    out.u32(size);
    out.u16(localName.length);
    out.u16(options.align === undefined ? 0 : pad + 4);
    out.bytes(localName);
    if (options.align !== undefined) {
      out.u16(0x4246); // "FB", as torch writes
      out.u16(pad);
      for (let i = 0; i < pad; i++) out.u8(0x5a);
    }
    out.bytes(entry.data);
    records.push({ entry, offset, crc, size, name });
  }
  const centralOffset = out.length;
  for (const { entry, offset, crc, size, name } of records) {
    out.u32(0x02014b50);
    out.u16(0x031e);
    out.u16(sentinels ? 45 : 20);
    out.u16(entry.flags ?? 0);
    out.u16(entry.method ?? 0);
    out.u16(0);
    out.u16(0);
    out.u32(crc);
    out.u32(sentinels ? 0xffffffff : size);
    out.u32(sentinels ? 0xffffffff : size);
    out.u16(name.length);
    out.u16(sentinels ? 28 : 0);
    out.u16(0);
    out.u16(0);
    out.u16(0);
    out.u32(0);
    out.u32(sentinels ? 0xffffffff : offset);
    out.bytes(name);
    if (sentinels) {
      out.u16(0x0001);
      out.u16(24);
      out.u64(size);
      out.u64(size);
      out.u64(offset);
    }
  }
  const centralSize = out.length - centralOffset;
  if (options.zip64 !== undefined && options.zip64 !== false) {
    const recordOffset = out.length;
    out.u32(0x06064b50);
    out.u64(44);
    out.u16(0x031e);
    out.u16(45);
    out.u32(0);
    out.u32(0);
    out.u64(entries.length);
    out.u64(entries.length);
    out.u64(centralSize);
    out.u64(centralOffset);
    out.u32(0x07064b50);
    out.u32(0);
    out.u64(recordOffset);
    out.u32(1);
  }
  const comment = encodeUtf8(options.comment ?? '');
  out.u32(0x06054b50);
  out.u16(0);
  out.u16(0);
  out.u16(sentinels ? 0xffff : entries.length);
  out.u16(sentinels ? 0xffff : entries.length);
  out.u32(sentinels ? 0xffffffff : centralSize);
  out.u32(sentinels ? 0xffffffff : centralOffset);
  out.u16(comment.length);
  out.bytes(comment);
  return Uint8Array.from(out.chunks);
}

import { decodeUtf8OrLatin1 } from '@clipseg/core/utf8';
import { crc32 } from './crc32.js';
import { LittleEndianFields, readRange } from './random-access-bytes.js';
import type { RandomAccessBytes } from './random-access-bytes.js';
import { torchError } from './torch-checkpoint-error.js';

const EOCD_SIGNATURE = 0x06054b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_LOCATOR_SIZE = 20;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const ZIP64_EOCD_SIZE = 56;
const CENTRAL_SIGNATURE = 0x02014b50;
const CENTRAL_SIZE = 46;
const LOCAL_SIGNATURE = 0x04034b50;
const LOCAL_SIZE = 30;
const ZIP64_EXTRA_ID = 0x0001;
const U16_SENTINEL = 0xffff;
const U32_SENTINEL = 0xffffffff;
const FLAG_ENCRYPTED = 0x0001;
const FLAG_STRONG_ENCRYPTION = 0x0040;
/** Compression method "stored" (no compression), the only one torch.save writes. */
export const ZIP_METHOD_STORED = 0;

/** One file of a zip archive, from its central directory record. */
export interface ZipEntry {
  /** Full path inside the archive, e.g. `archive/data/0`. */
  readonly name: string;
  /** Compression method (0 = stored, 8 = deflate …). */
  readonly method: number;
  /** General purpose bit flags. */
  readonly flags: number;
  /** CRC-32 of the uncompressed data, from the central directory. */
  readonly crc32: number;
  /** Size of the data as stored in the archive. */
  readonly compressedSize: number;
  /** Size of the data once extracted. */
  readonly size: number;
  /** Offset of the entry's local file header. */
  readonly localHeaderOffset: number;
}

/** Limits of {@link ZipArchive.open}. */
export interface ZipReadOptions {
  /** Most entries accepted in the central directory (default 1,000,000). */
  readonly maxEntries?: number;
}

interface EndRecord {
  readonly entryCount: number;
  readonly centralOffset: number;
  readonly centralSize: number;
  /** Where the central directory must end: the zip64 record, else the classic one. */
  readonly centralLimit: number;
  readonly zip64: boolean;
}

/**
 * A read-only view of a zip archive held in a {@link RandomAccessBytes}.
 * Opening parses and validates the central directory (ZIP64 included); entry
 * data is located and read on demand. Every offset and size is checked
 * against the file before anything is sliced, and only stored (uncompressed)
 * entries can be read: nothing is ever decompressed.
 */
export class ZipArchive {
  /** Entries in central directory order. */
  readonly entries: readonly ZipEntry[];
  /** True when the archive has a ZIP64 end of central directory record. */
  readonly zip64: boolean;
  readonly #source: RandomAccessBytes;
  readonly #byName: ReadonlyMap<string, ZipEntry>;
  readonly #centralOffset: number;
  readonly #dataOffsets = new Map<ZipEntry, number>();
  readonly #verified = new Set<ZipEntry>();

  private constructor(source: RandomAccessBytes, entries: ZipEntry[], end: EndRecord) {
    this.#source = source;
    this.entries = entries;
    this.zip64 = end.zip64;
    this.#centralOffset = end.centralOffset;
    this.#byName = new Map(entries.map((e) => [e.name, e]));
  }

  /**
   * Reads and validates the central directory of the archive in `source`.
   *
   * @param source - the whole archive
   * @param options - limits
   * @throws {@link TorchCheckpointError} `TORCH_ZIP_INVALID` for any structural
   *   problem (truncation, bad signature, out-of-range offset, duplicate
   *   names), `TORCH_ZIP_UNSUPPORTED` for multi-disk archives
   */
  static open(source: RandomAccessBytes, options?: ZipReadOptions): ZipArchive {
    const maxEntries = options?.maxEntries ?? 1_000_000;
    const end = readEndRecord(source);
    if (end.entryCount > maxEntries) {
      throw torchError('TORCH_ZIP_INVALID', `The zip central directory lists ${String(end.entryCount)} entries, more than the limit of ${String(maxEntries)}.`, {
        entryCount: end.entryCount,
        maxEntries,
      });
    }
    return new ZipArchive(source, readCentralDirectory(source, end), end);
  }

  /**
   * The entry called `name`, or `undefined`.
   *
   * @param name - full path inside the archive
   */
  entry(name: string): ZipEntry | undefined {
    return this.#byName.get(name);
  }

  /**
   * Offset of the first data byte of `entry` in the file, after validating
   * its local header: signature, same name as the central record, stored
   * (method 0), not encrypted, data ending before the central directory.
   *
   * @param entry - an entry of this archive
   * @throws {@link TorchCheckpointError} `TORCH_ZIP_UNSUPPORTED_COMPRESSION`
   *   for compressed entries, `TORCH_ZIP_UNSUPPORTED` for encrypted ones,
   *   `TORCH_ZIP_INVALID` for an inconsistent local header
   */
  dataOffset(entry: ZipEntry): number {
    const cached = this.#dataOffsets.get(entry);
    if (cached !== undefined) return cached;
    if ((entry.flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION)) !== 0) {
      throw torchError('TORCH_ZIP_UNSUPPORTED', `The zip entry "${entry.name}" is encrypted.`, { entry: entry.name });
    }
    if (entry.method !== ZIP_METHOD_STORED) {
      throw torchError(
        'TORCH_ZIP_UNSUPPORTED_COMPRESSION',
        `The zip entry "${entry.name}" uses compression method ${String(entry.method)}${entry.method === 8 ? ' (deflate)' : ''}; this reader only reads stored (uncompressed) entries and never decompresses.`,
        { entry: entry.name, method: entry.method },
      );
    }
    if (entry.compressedSize !== entry.size) {
      throw torchError(
        'TORCH_ZIP_INVALID',
        `The stored zip entry "${entry.name}" has a stored size of ${String(entry.compressedSize)} bytes but an extracted size of ${String(entry.size)}.`,
        { entry: entry.name },
      );
    }
    const what = `local header of zip entry "${entry.name}"`;
    const header = new LittleEndianFields(readRange(this.#source, entry.localHeaderOffset, LOCAL_SIZE, what), what);
    if (header.u32(0) !== LOCAL_SIGNATURE) {
      throw torchError('TORCH_ZIP_INVALID', `The ${what} at offset ${String(entry.localHeaderOffset)} has no local header signature.`, {
        entry: entry.name,
        offset: entry.localHeaderOffset,
      });
    }
    if (header.u16(8) !== entry.method) {
      throw torchError('TORCH_ZIP_INVALID', `The ${what} disagrees with the central directory about the compression method.`, { entry: entry.name });
    }
    const nameLength = header.u16(26);
    const extraLength = header.u16(28);
    const localName = decodeUtf8OrLatin1(readRange(this.#source, entry.localHeaderOffset + LOCAL_SIZE, nameLength, what));
    if (localName !== entry.name) {
      throw torchError('TORCH_ZIP_INVALID', `The ${what} names "${localName}" instead; the archive is inconsistent.`, { entry: entry.name, localName });
    }
    const offset = entry.localHeaderOffset + LOCAL_SIZE + nameLength + extraLength;
    if (offset + entry.size > this.#centralOffset) {
      throw torchError(
        'TORCH_ZIP_INVALID',
        `The data of zip entry "${entry.name}" (${String(entry.size)} bytes at offset ${String(offset)}) runs into the central directory at ${String(this.#centralOffset)}.`,
        { entry: entry.name, offset, size: entry.size, centralOffset: this.#centralOffset },
      );
    }
    this.#dataOffsets.set(entry, offset);
    return offset;
  }

  /**
   * The data of a stored entry, or part of it. The result may be a view of
   * the source's memory; never mutate it.
   *
   * @param entry - an entry of this archive
   * @param start - first byte inside the entry (default 0)
   * @param length - number of bytes (default: to the end of the entry)
   * @throws {@link TorchCheckpointError} as {@link ZipArchive.dataOffset}, or
   *   `TORCH_ZIP_INVALID` when the range is outside the entry
   */
  read(entry: ZipEntry, start = 0, length = entry.size - start): Uint8Array {
    const offset = this.dataOffset(entry);
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(length) || start < 0 || length < 0 || start + length > entry.size) {
      throw torchError(
        'TORCH_ZIP_INVALID',
        `Bytes ${String(start)}..${String(start + length)} were asked of zip entry "${entry.name}", which holds ${String(entry.size)}.`,
        { entry: entry.name, start, length, size: entry.size },
      );
    }
    return readRange(this.#source, offset + start, length, `data of zip entry "${entry.name}"`);
  }

  /**
   * Checks (once per entry) that the entry's data matches its CRC-32.
   *
   * @param entry - an entry of this archive
   * @throws {@link TorchCheckpointError} `TORCH_ZIP_CHECKSUM_MISMATCH`
   */
  verify(entry: ZipEntry): void {
    if (this.#verified.has(entry)) return;
    const chunk = 1 << 24;
    let crc = 0;
    for (let start = 0; start < entry.size; start += chunk) crc = crc32(this.read(entry, start, Math.min(chunk, entry.size - start)), crc);
    if (entry.size === 0) this.dataOffset(entry);
    if (crc !== entry.crc32) {
      throw torchError(
        'TORCH_ZIP_CHECKSUM_MISMATCH',
        `The data of zip entry "${entry.name}" has CRC-32 ${hex(crc)} but the archive records ${hex(entry.crc32)}.`,
        { entry: entry.name, expected: entry.crc32, actual: crc },
      );
    }
    this.#verified.add(entry);
  }
}

function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}

function findEndRecord(source: RandomAccessBytes): number {
  if (source.size < EOCD_SIZE) {
    throw torchError('TORCH_ZIP_INVALID', `The file is ${String(source.size)} bytes long, too short to be a zip archive.`, { size: source.size });
  }
  const tailLength = Math.min(source.size, EOCD_SIZE + MAX_COMMENT);
  const tailStart = source.size - tailLength;
  const tail = readRange(source, tailStart, tailLength, 'end of the file');
  const fields = new LittleEndianFields(tail, 'end of central directory record');
  for (let i = tailLength - EOCD_SIZE; i >= 0; i--) {
    if (tail[i] !== 0x50 || fields.u32(i) !== EOCD_SIGNATURE) continue;
    if (i + EOCD_SIZE + fields.u16(i + 20) <= tailLength) return tailStart + i;
  }
  throw torchError(
    'TORCH_ZIP_INVALID',
    'No zip end of central directory record was found: the file is not a zip archive, or it was truncated (an incomplete download).',
    { size: source.size },
  );
}

function readEndRecord(source: RandomAccessBytes): EndRecord {
  const eocdOffset = findEndRecord(source);
  const eocd = new LittleEndianFields(readRange(source, eocdOffset, EOCD_SIZE, 'end of central directory record'), 'end of central directory record');
  let disk = eocd.u16(4);
  let centralDisk = eocd.u16(6);
  let diskEntries = eocd.u16(8);
  let entryCount = eocd.u16(10);
  let centralSize = eocd.u32(12);
  let centralOffset = eocd.u32(16);
  let centralLimit = eocdOffset;
  let zip64 = false;

  const locatorOffset = eocdOffset - ZIP64_LOCATOR_SIZE;
  if (locatorOffset >= 0) {
    const locatorBytes = readRange(source, locatorOffset, ZIP64_LOCATOR_SIZE, 'zip64 end of central directory locator');
    const locator = new LittleEndianFields(locatorBytes, 'zip64 end of central directory locator');
    if (locator.u32(0) === ZIP64_LOCATOR_SIGNATURE) {
      zip64 = true;
      const recordOffset = locator.u64(8);
      if (locator.u32(4) !== 0 || locator.u32(16) > 1) {
        throw torchError('TORCH_ZIP_UNSUPPORTED', 'The zip archive is split over several disks.', {});
      }
      if (recordOffset + ZIP64_EOCD_SIZE > locatorOffset) {
        throw torchError('TORCH_ZIP_INVALID', `The zip64 end of central directory record offset ${String(recordOffset)} is not before its locator.`, {
          recordOffset,
        });
      }
      const what = 'zip64 end of central directory record';
      const record = new LittleEndianFields(readRange(source, recordOffset, ZIP64_EOCD_SIZE, what), what);
      if (record.u32(0) !== ZIP64_EOCD_SIGNATURE) {
        throw torchError('TORCH_ZIP_INVALID', `The ${what} at offset ${String(recordOffset)} has a bad signature.`, { recordOffset });
      }
      const wide = {
        disk: record.u32(16),
        centralDisk: record.u32(20),
        diskEntries: record.u64(24),
        entryCount: record.u64(32),
        centralSize: record.u64(40),
        centralOffset: record.u64(48),
      };
      const agrees = (narrow: number, sentinel: number, value: number): boolean => narrow === sentinel || narrow === value;
      if (
        !agrees(disk, U16_SENTINEL, wide.disk) ||
        !agrees(centralDisk, U16_SENTINEL, wide.centralDisk) ||
        !agrees(diskEntries, U16_SENTINEL, wide.diskEntries) ||
        !agrees(entryCount, U16_SENTINEL, wide.entryCount) ||
        !agrees(centralSize, U32_SENTINEL, wide.centralSize) ||
        !agrees(centralOffset, U32_SENTINEL, wide.centralOffset)
      ) {
        throw torchError('TORCH_ZIP_INVALID', 'The zip64 and classic end of central directory records disagree.', { wide });
      }
      ({ disk, centralDisk, diskEntries, entryCount, centralSize, centralOffset } = wide);
      centralLimit = recordOffset;
    }
  }

  if (disk !== 0 || centralDisk !== 0 || diskEntries !== entryCount) {
    throw torchError('TORCH_ZIP_UNSUPPORTED', 'The zip archive is split over several disks.', { disk, centralDisk });
  }
  if (centralOffset + centralSize > centralLimit) {
    throw torchError(
      'TORCH_ZIP_INVALID',
      `The zip central directory (${String(centralSize)} bytes at offset ${String(centralOffset)}) runs past its end record at ${String(centralLimit)}; the file is truncated or corrupt.`,
      { centralOffset, centralSize, centralLimit },
    );
  }
  if (entryCount * CENTRAL_SIZE > centralSize) {
    throw torchError('TORCH_ZIP_INVALID', `The zip central directory claims ${String(entryCount)} entries but is only ${String(centralSize)} bytes long.`, {
      entryCount,
      centralSize,
    });
  }
  return { entryCount, centralOffset, centralSize, centralLimit, zip64 };
}

function readCentralDirectory(source: RandomAccessBytes, end: EndRecord): ZipEntry[] {
  const bytes = readRange(source, end.centralOffset, end.centralSize, 'zip central directory');
  const fields = new LittleEndianFields(bytes, 'zip central directory');
  const entries: ZipEntry[] = [];
  const names = new Set<string>();
  let at = 0;
  for (let index = 0; index < end.entryCount; index++) {
    if (at + CENTRAL_SIZE > bytes.length || fields.u32(at) !== CENTRAL_SIGNATURE) {
      throw torchError('TORCH_ZIP_INVALID', `Central directory record ${String(index)} (at ${String(end.centralOffset + at)}) is missing or has a bad signature.`, {
        index,
      });
    }
    const flags = fields.u16(at + 8);
    const method = fields.u16(at + 10);
    const crc = fields.u32(at + 16);
    let compressedSize = fields.u32(at + 20);
    let size = fields.u32(at + 24);
    const nameLength = fields.u16(at + 28);
    const extraLength = fields.u16(at + 30);
    const commentLength = fields.u16(at + 32);
    let diskStart = fields.u16(at + 34);
    let localHeaderOffset = fields.u32(at + 42);
    const nameStart = at + CENTRAL_SIZE;
    const extraStart = nameStart + nameLength;
    const next = extraStart + extraLength + commentLength;
    if (next > bytes.length) {
      throw torchError('TORCH_ZIP_INVALID', `Central directory record ${String(index)} runs past the end of the central directory.`, { index });
    }
    const name = decodeUtf8OrLatin1(bytes.subarray(nameStart, extraStart));

    if (size === U32_SENTINEL || compressedSize === U32_SENTINEL || localHeaderOffset === U32_SENTINEL || diskStart === U16_SENTINEL) {
      const zip64Extra = findExtra(bytes.subarray(extraStart, extraStart + extraLength), ZIP64_EXTRA_ID, name);
      if (zip64Extra === undefined) {
        throw torchError('TORCH_ZIP_INVALID', `Zip entry "${name}" needs a zip64 extra field but has none.`, { entry: name });
      }
      const extra = new LittleEndianFields(zip64Extra, `zip64 extra field of "${name}"`);
      let p = 0;
      if (size === U32_SENTINEL) [size, p] = [extra.u64(p), p + 8];
      if (compressedSize === U32_SENTINEL) [compressedSize, p] = [extra.u64(p), p + 8];
      if (localHeaderOffset === U32_SENTINEL) [localHeaderOffset, p] = [extra.u64(p), p + 8];
      if (diskStart === U16_SENTINEL) diskStart = extra.u32(p);
    }
    if (diskStart !== 0) throw torchError('TORCH_ZIP_UNSUPPORTED', `Zip entry "${name}" starts on another disk.`, { entry: name });
    if (localHeaderOffset + LOCAL_SIZE > end.centralOffset) {
      throw torchError('TORCH_ZIP_INVALID', `Zip entry "${name}" has its local header at ${String(localHeaderOffset)}, past the start of the central directory.`, {
        entry: name,
        localHeaderOffset,
      });
    }
    if (names.has(name)) {
      throw torchError('TORCH_ZIP_INVALID', `The zip archive has two entries called "${name}"; readers could disagree about which one counts.`, { entry: name });
    }
    names.add(name);
    entries.push({ name, method, flags, crc32: crc, compressedSize, size, localHeaderOffset });
    at = next;
  }
  return entries;
}

function findExtra(extra: Uint8Array, id: number, name: string): Uint8Array | undefined {
  const fields = new LittleEndianFields(extra, `extra fields of zip entry "${name}"`);
  let at = 0;
  while (at + 4 <= extra.length) {
    const fieldId = fields.u16(at);
    const length = fields.u16(at + 2);
    const start = at + 4;
    if (start + length > extra.length) {
      throw torchError('TORCH_ZIP_INVALID', `An extra field of zip entry "${name}" runs past the end of its record.`, { entry: name });
    }
    if (fieldId === id) return extra.subarray(start, start + length);
    at = start + length;
  }
  return undefined;
}

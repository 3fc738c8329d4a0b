import { tryDecodeUtf8 } from '@clipseg/core/utf8';
import type { RandomAccessBytes } from './random-access-bytes.js';
import { torchError } from './torch-checkpoint-error.js';
import { ZipArchive } from './zip-reader.js';
import type { ZipEntry } from './zip-reader.js';

/** Options of {@link openTorchArchive}. */
export interface TorchArchiveOptions {
  /** Check each entry's CRC-32 before using it (default true). */
  readonly verifyChecksums?: boolean;
  /** Largest `data.pkl` accepted, in bytes (default 256 MiB). */
  readonly maxPickleBytes?: number;
  /** Most zip entries accepted (default 1,000,000). */
  readonly maxEntries?: number;
}

/**
 * The parts of a `torch.save` zip archive: `<prefix>/data.pkl` (the pickle),
 * `<prefix>/data/<key>` (raw storages), optional `<prefix>/version` and
 * `<prefix>/byteorder`.
 */
export interface TorchArchive {
  /** The underlying zip archive. */
  readonly zip: ZipArchive;
  /** The archive's top folder, e.g. `archive` or `pytorch_model`. */
  readonly prefix: string;
  /** The integer in `<prefix>/version` (torch 1.6+ writes 3), or `undefined` when absent. */
  readonly formatVersion: number | undefined;
  /** `'little'` when `<prefix>/byteorder` says so, `undefined` when absent (torch < 2.1: little-endian). */
  readonly byteOrder: 'little' | undefined;
  /** The bytes of `<prefix>/data.pkl`. */
  readonly pickle: Uint8Array;
  /** Whether entries' CRC-32 are checked before use. */
  readonly verifyChecksums: boolean;
  /**
   * The zip entry holding storage `key` (`<prefix>/data/<key>`), or `undefined`.
   *
   * @param key - storage key from a persistent id
   */
  storageEntry(key: string): ZipEntry | undefined;
}

/** First bytes of a legacy (torch < 1.6) checkpoint: PROTO 2, LONG1 of the magic number 0x1950a86a20f9469cfc6c. */
const LEGACY_MAGIC = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];
const DATA_PKL = /^([^/]+)\/data\.pkl$/u;
const SMALL_RECORD_LIMIT = 64;

/**
 * Opens the `torch.save` archive in `source`: validates the zip, finds the
 * top folder, checks `byteorder` and `version`, and reads `data.pkl`.
 *
 * @param source - the whole checkpoint file
 * @param options - checksum verification and limits
 * @throws {@link TorchCheckpointError} `TORCH_LEGACY_FORMAT`, any `TORCH_ZIP_*`
 *   code, `TORCH_ARCHIVE_INVALID`, `TORCH_BYTEORDER_UNSUPPORTED`, or
 *   `TORCH_PICKLE_LIMIT_EXCEEDED` when `data.pkl` is over `maxPickleBytes`
 */
export function openTorchArchive(source: RandomAccessBytes, options?: TorchArchiveOptions): TorchArchive {
  const verifyChecksums = options?.verifyChecksums ?? true;
  const maxPickleBytes = options?.maxPickleBytes ?? 256 * 1024 * 1024;
  if (source.size >= LEGACY_MAGIC.length) {
    const head = source.read(0, LEGACY_MAGIC.length);
    if (LEGACY_MAGIC.every((b, i) => head[i] === b)) {
      throw torchError(
        'TORCH_LEGACY_FORMAT',
        'This is a legacy (PyTorch < 1.6) checkpoint, a bare pickle stream rather than a zip archive; it is not supported.',
      );
    }
  }
  const zip = ZipArchive.open(source, options?.maxEntries === undefined ? undefined : { maxEntries: options.maxEntries });

  const prefixes = zip.entries.map((e) => DATA_PKL.exec(e.name)?.[1]).filter((p): p is string => p !== undefined);
  if (prefixes.length === 0) {
    throw torchError('TORCH_ARCHIVE_INVALID', 'The zip archive has no "<name>/data.pkl" entry, so it is not a torch.save checkpoint.', {
      entries: zip.entries.slice(0, 5).map((e) => e.name),
    });
  }
  if (prefixes.length > 1) {
    throw torchError('TORCH_ARCHIVE_INVALID', `The zip archive has ${String(prefixes.length)} "<name>/data.pkl" entries; a torch.save checkpoint has one.`, {
      prefixes,
    });
  }
  const prefix = prefixes[0]!;

  const byteOrderText = readSmallRecord(zip, `${prefix}/byteorder`, verifyChecksums);
  if (byteOrderText !== undefined && byteOrderText.trim() !== 'little') {
    throw torchError(
      'TORCH_BYTEORDER_UNSUPPORTED',
      `The checkpoint's byteorder record says ${JSON.stringify(byteOrderText.slice(0, 16))}; only little-endian checkpoints are supported.`,
      { byteOrder: byteOrderText },
    );
  }

  const versionText = readSmallRecord(zip, `${prefix}/version`, verifyChecksums) ?? readSmallRecord(zip, `${prefix}/.data/version`, verifyChecksums);
  let formatVersion: number | undefined;
  if (versionText !== undefined) {
    const trimmed = versionText.trim();
    if (!/^[0-9]{1,9}$/u.test(trimmed)) {
      throw torchError('TORCH_ARCHIVE_INVALID', `The checkpoint's version record is ${JSON.stringify(versionText.slice(0, 16))}, not an integer.`, {
        version: versionText,
      });
    }
    formatVersion = Number(trimmed);
  }

  const pickleEntry = zip.entry(`${prefix}/data.pkl`)!;
  if (pickleEntry.size > maxPickleBytes) {
    throw torchError(
      'TORCH_PICKLE_LIMIT_EXCEEDED',
      `The checkpoint's data.pkl is ${String(pickleEntry.size)} bytes, over the limit of ${String(maxPickleBytes)} (maxPickleBytes).`,
      { size: pickleEntry.size, maxPickleBytes },
    );
  }
  if (verifyChecksums) zip.verify(pickleEntry);
  const pickle = zip.read(pickleEntry);

  return {
    zip,
    prefix,
    formatVersion,
    byteOrder: byteOrderText === undefined ? undefined : 'little',
    pickle,
    verifyChecksums,
    storageEntry: (key) => zip.entry(`${prefix}/data/${key}`),
  };
}

function readSmallRecord(zip: ZipArchive, name: string, verify: boolean): string | undefined {
  const entry = zip.entry(name);
  if (entry === undefined) return undefined;
  if (entry.size > SMALL_RECORD_LIMIT) {
    throw torchError('TORCH_ARCHIVE_INVALID', `The checkpoint's "${name}" record is ${String(entry.size)} bytes; a few bytes were expected.`, {
      entry: name,
      size: entry.size,
    });
  }
  if (verify) zip.verify(entry);
  const text = tryDecodeUtf8(zip.read(entry));
  if (text === undefined) throw torchError('TORCH_ARCHIVE_INVALID', `The checkpoint's "${name}" record is not text.`, { entry: name });
  return text;
}

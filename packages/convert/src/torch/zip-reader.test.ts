import { describe, expect, it } from 'vitest';
import { bytesAccess } from './random-access-bytes.js';
import { writeZip } from '../../test/torch-builders/zip-writer.js';
import type { ZipWriterEntry } from '../../test/torch-builders/zip-writer.js';
import { TorchCheckpointError } from './torch-checkpoint-error.js';
import type { TorchCheckpointErrorCode } from './torch-checkpoint-error.js';
import { ZipArchive } from './zip-reader.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const entries: ZipWriterEntry[] = [
  { name: 'a/one', data: text('hello') },
  { name: 'a/two', data: text('') },
  { name: 'a/data/0', data: Uint8Array.from({ length: 300 }, (_, i) => i & 0xff) },
];

function codeOf(fn: () => unknown): TorchCheckpointErrorCode | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TorchCheckpointError);
    const e = error as TorchCheckpointError;
    expect(e.message).toContain('Nothing from the file was executed.');
    return e.code;
  }
  return undefined;
}

function readAll(zip: Uint8Array): Map<string, Uint8Array> {
  const archive = ZipArchive.open(bytesAccess(zip));
  const out = new Map<string, Uint8Array>();
  for (const entry of archive.entries) {
    archive.verify(entry);
    out.set(entry.name, archive.read(entry).slice());
  }
  return out;
}

describe('ZipArchive', () => {
  for (const [label, options] of [
    ['plain', {}],
    ['torch-aligned with zip64 records', { align: 64, zip64: true }],
    ['zip64 sentinels and extra fields', { zip64: 'sentinels' }],
    ['with a comment', { comment: 'PK\u0005\u0006 trap' }],
  ] as const) {
    it(`reads every entry (${label})`, () => {
      const files = readAll(writeZip(entries, options));
      expect([...files.keys()]).toEqual(['a/one', 'a/two', 'a/data/0']);
      for (const e of entries) expect(files.get(e.name)).toEqual(e.data);
    });
  }

  it('aligns data like torch when asked (sanity of the test writer)', () => {
    const zip = writeZip(entries, { align: 64, zip64: true });
    const archive = ZipArchive.open(bytesAccess(zip));
    expect(archive.zip64).toBe(true);
    for (const e of archive.entries) expect(archive.dataOffset(e) % 64).toBe(0);
  });

  it('reads ranges inside an entry and refuses ranges outside it', () => {
    const archive = ZipArchive.open(bytesAccess(writeZip(entries)));
    const entry = archive.entry('a/data/0')!;
    expect([...archive.read(entry, 10, 3)]).toEqual([10, 11, 12]);
    expect(codeOf(() => archive.read(entry, 299, 2))).toBe('TORCH_ZIP_INVALID');
    expect(codeOf(() => archive.read(entry, -1, 1))).toBe('TORCH_ZIP_INVALID');
  });

  it('refuses every truncation of a valid archive', () => {
    const zip = writeZip(entries, { align: 64, zip64: true });
    for (let cut = 0; cut < zip.length; cut++) {
      const code = codeOf(() => readAll(zip.subarray(0, cut)));
      expect(code, `cut at ${String(cut)}`).toBe('TORCH_ZIP_INVALID');
    }
  });

  it('refuses garbage and tiny files', () => {
    expect(codeOf(() => ZipArchive.open(bytesAccess(new Uint8Array(0))))).toBe('TORCH_ZIP_INVALID');
    expect(codeOf(() => ZipArchive.open(bytesAccess(new Uint8Array(5000).fill(0x50))))).toBe('TORCH_ZIP_INVALID');
  });

  it('refuses compressed entries without decompressing', () => {
    const archive = ZipArchive.open(bytesAccess(writeZip([{ name: 'x', data: text('abc'), method: 8 }])));
    expect(codeOf(() => archive.read(archive.entry('x')!))).toBe('TORCH_ZIP_UNSUPPORTED_COMPRESSION');
  });

  it('refuses encrypted entries', () => {
    const archive = ZipArchive.open(bytesAccess(writeZip([{ name: 'x', data: text('abc'), flags: 1 }])));
    expect(codeOf(() => archive.read(archive.entry('x')!))).toBe('TORCH_ZIP_UNSUPPORTED');
  });

  it('detects a CRC mismatch', () => {
    const archive = ZipArchive.open(bytesAccess(writeZip([{ name: 'x', data: text('abc'), crc32: 1234 }])));
    expect(codeOf(() => archive.verify(archive.entry('x')!))).toBe('TORCH_ZIP_CHECKSUM_MISMATCH');
  });

  it('refuses duplicate names', () => {
    expect(codeOf(() => ZipArchive.open(bytesAccess(writeZip([entries[0]!, entries[0]!]))))).toBe('TORCH_ZIP_INVALID');
  });

  it('refuses a local header that names another file', () => {
    const archive = ZipArchive.open(bytesAccess(writeZip([{ name: 'a/one', localName: 'a/evl', data: text('x') }])));
    expect(codeOf(() => archive.read(archive.entry('a/one')!))).toBe('TORCH_ZIP_INVALID');
  });

  it('refuses an entry whose recorded size runs into the central directory', () => {
    const archive = ZipArchive.open(bytesAccess(writeZip([{ name: 'x', data: text('abc'), recordedSize: 100 }])));
    expect(codeOf(() => archive.read(archive.entry('x')!))).toBe('TORCH_ZIP_INVALID');
  });

  it('refuses a central directory offset past the file', () => {
    const zip = writeZip(entries);
    const view = new DataView(zip.buffer);
    view.setUint32(zip.length - 22 + 16, 0x7fff0000, true);
    expect(codeOf(() => ZipArchive.open(bytesAccess(zip)))).toBe('TORCH_ZIP_INVALID');
  });

  it('refuses a zip64 local header offset past the central directory', () => {
    const zip = writeZip([{ name: 'x', data: text('abc') }], { zip64: 'sentinels' });
    // The zip64 extra field (id 1, 24 bytes): size, compressed size, local header offset.
    const at = zip.findIndex((_, i) => zip[i] === 0x01 && zip[i + 1] === 0x00 && zip[i + 2] === 24 && zip[i + 3] === 0);
    new DataView(zip.buffer).setUint32(at + 4 + 16, 0x7fffffff, true);
    expect(codeOf(() => ZipArchive.open(bytesAccess(zip)))).toBe('TORCH_ZIP_INVALID');
  });

  it('refuses a zip64 size beyond 2^53', () => {
    const zip = writeZip([{ name: 'x', data: text('abc') }], { zip64: 'sentinels' });
    const at = zip.findIndex((_, i) => zip[i] === 0x01 && zip[i + 1] === 0x00 && zip[i + 2] === 24 && zip[i + 3] === 0);
    new DataView(zip.buffer).setUint32(at + 4 + 4, 0xffffffff, true);
    expect(codeOf(() => ZipArchive.open(bytesAccess(zip)))).toBe('TORCH_ZIP_INVALID');
  });

  it('enforces maxEntries', () => {
    expect(codeOf(() => ZipArchive.open(bytesAccess(writeZip(entries)), { maxEntries: 2 }))).toBe('TORCH_ZIP_INVALID');
  });
});

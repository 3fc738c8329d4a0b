/**
 * Fuzzing the zip reader under the torch checkpoint reader (see docs/fuzzing.md): arbitrary bytes and mutated
 * archives (classic, ZIP64 end records, ZIP64 sentinels with extra fields) open to an archive or a `TORCH_*` error;
 * no read ever leaves the file, whatever sizes and offsets the records claim; what the test writer stores, the
 * reader reads back byte for byte with matching CRCs.
 */
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { fuzzIt, mutatedBytes, recordingRandomAccess, typedOutcome } from '../../../../fuzz/index.js';
import { writeZip } from '../../test/torch-builders/zip-writer.js';
import type { ZipWriterOptions } from '../../test/torch-builders/zip-writer.js';
import { ZipArchive } from '../torch/zip-reader.js';

const CODES = 'TORCH_';

const entryName = fc.stringMatching(/^[a-z0-9_]{1,8}(\/[a-z0-9_.]{1,8}){0,2}$/);
const archive = fc
  .record({
    entries: fc.uniqueArray(fc.record({ name: entryName, data: fc.uint8Array({ maxLength: 96 }) }), { maxLength: 5, selector: (e) => e.name }),
    zip64: fc.constantFrom<ZipWriterOptions['zip64']>(false, true, 'sentinels'),
    align: fc.option(fc.constantFrom(1, 4, 64), { nil: undefined }),
    comment: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
  })
  .map(({ entries, zip64, align, comment }) => ({
    entries,
    bytes: writeZip(entries, { zip64, ...(align === undefined ? {} : { align }), ...(comment === undefined ? {} : { comment }) }),
  }));

/** Opens `bytes` and reads and verifies every entry; every step must end in a result or a typed error. */
function openAndReadAll(bytes: Uint8Array): void {
  const { access, log } = recordingRandomAccess(bytes);
  const opened = typedOutcome(() => ZipArchive.open(access), CODES);
  if (opened.ok) {
    for (const entry of opened.value.entries) {
      const data = typedOutcome(() => opened.value.read(entry), CODES);
      if (data.ok) expect(data.value.length).toBe(entry.size);
      typedOutcome(() => opened.value.verify(entry), CODES);
    }
  }
  expect(log.largest).toBeLessThanOrEqual(bytes.length);
}

describe('zip reader fuzzing', () => {
  fuzzIt(
    'write → open → read gives back every entry, CRCs matching',
    200,
    fc.property(archive, ({ entries, bytes }) => {
      const zip = ZipArchive.open(recordingRandomAccess(bytes).access);
      expect(zip.entries.map((e) => e.name)).toEqual(entries.map((e) => e.name));
      for (const [i, entry] of zip.entries.entries()) {
        expect(zip.read(entry)).toEqual(entries[i]!.data);
        zip.verify(entry);
      }
    }),
  );
  fuzzIt('arbitrary bytes', 300, fc.property(fc.uint8Array({ maxLength: 1024 }), openAndReadAll));
  fuzzIt('bit flips, truncations, splices and huge integers in valid archives', 1000, fc.property(mutatedBytes(archive.map((a) => a.bytes), 6), openAndReadAll));
});

/**
 * Fuzzing the safetensors reader (see docs/fuzzing.md): arbitrary and mutated files, hostile headers and length
 * prefixes. It returns a valid reader or throws a `SAFETENSORS_*` error, never reads outside the file, never sizes
 * anything from what the header merely claims; and what the writer writes, the reader reads back unchanged.
 */
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { fuzzIt, hostileJsonValue, INTERESTING_INTEGERS, jsonText, mutatedBytes, mutatedJson, recordingByteSource, typedOutcomeAsync } from '../../../../fuzz/index.js';
import { isWellFormedUtf16 } from '../io/utf8.js';
import { SAFETENSORS_DTYPE_BYTES, SAFETENSORS_DTYPES } from '../safetensors/dtype.js';
import { openSafetensors } from '../safetensors/reader.js';
import type { RawSafetensor } from '../safetensors/types.js';
import { writeSafetensors } from '../safetensors/writer.js';

const CODES = 'SAFETENSORS_';

const rawTensor: fc.Arbitrary<RawSafetensor> = fc
  .tuple(fc.constantFrom(...SAFETENSORS_DTYPES), fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }))
  .chain(([dtype, shape]) => {
    const length = shape.reduce((a, b) => a * b, 1) * SAFETENSORS_DTYPE_BYTES[dtype];
    return fc.uint8Array({ minLength: length, maxLength: length }).map((bytes) => ({ dtype, shape, bytes }));
  });

const tensorName = fc.string({ unit: 'binary', maxLength: 12 }).filter((name) => name !== '__metadata__' && isWellFormedUtf16(name));
const text = fc.string({ unit: 'binary', maxLength: 12 }).filter(isWellFormedUtf16);

/** A file the writer made, with what went into it. */
const validFile = fc
  .record({
    tensors: fc.dictionary(tensorName, rawTensor, { maxKeys: 5, noNullPrototype: true }),
    metadata: fc.option(fc.dictionary(text, text, { maxKeys: 3, noNullPrototype: true }), { nil: undefined }),
  })
  .map(({ tensors, metadata }) => ({ tensors, metadata, bytes: writeSafetensors(tensors, metadata) }));

/** Opens `bytes`, and on success reads every tensor every way; all of it must end in a result or a typed error. */
async function openAndReadAll(bytes: Uint8Array): Promise<void> {
  const { source, log } = recordingByteSource(bytes);
  const opened = await typedOutcomeAsync(() => openSafetensors(source), CODES);
  expect(log.largest).toBeLessThanOrEqual(bytes.length);
  if (!opened.ok) return;
  const reader = opened.value;
  const { header } = reader;
  expect(header.dataOffset + header.dataLength).toBe(bytes.length);
  let cursor = 0;
  for (const info of header.tensors) {
    expect(info.dataOffsets[0]).toBe(cursor);
    cursor = info.dataOffsets[1];
    const raw = await typedOutcomeAsync(() => reader.readRaw(info.name), CODES);
    expect(raw.ok && raw.value.bytes.length).toBe(info.byteLength);
    await typedOutcomeAsync(() => reader.read(info.name), CODES);
    await typedOutcomeAsync(() => reader.readFloat32(info.name), CODES);
  }
  expect(cursor).toBe(header.dataLength);
}

/** A file whose JSON header is `header` (written without recursion, so it may nest deeply) over `data`. */
function fileWithHeader(header: string | unknown, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : jsonText(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

/** The JSON header and the data region of a file the writer made. */
function splitFile(bytes: Uint8Array): { header: unknown; data: Uint8Array } {
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return { header: JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))) as unknown, data: bytes.subarray(8 + length) };
}

describe('safetensors fuzzing', () => {
  fuzzIt(
    'write → open → read gives back every tensor and the metadata',
    150,
    fc.asyncProperty(validFile, async ({ tensors, metadata, bytes }) => {
      const reader = await openSafetensors(recordingByteSource(bytes).source);
      expect(new Set(reader.names)).toEqual(new Set(Object.keys(tensors)));
      for (const name of reader.names) {
        const raw = await reader.readRaw(name);
        expect({ dtype: raw.dtype, shape: [...raw.shape], bytes: raw.bytes }).toEqual({ ...tensors[name], shape: [...tensors[name]!.shape] });
      }
      expect(reader.metadata === undefined ? undefined : { ...reader.metadata }).toEqual(metadata);
    }),
  );

  fuzzIt('arbitrary bytes: a reader or a typed error', 300, fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), openAndReadAll));

  fuzzIt(
    'any 64-bit header length over arbitrary bytes: a typed error, no read past the file',
    300,
    fc.asyncProperty(fc.oneof(fc.constantFrom(...INTERESTING_INTEGERS), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })), fc.uint8Array({ maxLength: 512 }), (claimed, tail) => {
      const bytes = new Uint8Array(8 + tail.length);
      new DataView(bytes.buffer).setBigUint64(0, claimed, true);
      bytes.set(tail, 8);
      return openAndReadAll(bytes);
    }),
  );

  fuzzIt('bit flips, truncations and splices of valid files', 400, fc.asyncProperty(mutatedBytes(validFile.map((f) => f.bytes)), openAndReadAll));

  fuzzIt(
    'arbitrary JSON headers',
    300,
    fc.asyncProperty(fc.oneof(fc.jsonValue(), hostileJsonValue), fc.uint8Array({ maxLength: 64 }), (header, data) => openAndReadAll(fileWithHeader(header, data))),
  );

  fuzzIt(
    'valid headers with hostile edits (huge numbers, deep nesting, long shapes, wrong types)',
    200,
    fc.asyncProperty(
      validFile.chain((file) => {
        const { header, data } = splitFile(file.bytes);
        return mutatedJson(fc.constant(header)).map((edited) => fileWithHeader(edited, data));
      }),
      openAndReadAll,
    ),
  );
});

import { describe, expect, it } from 'vitest';
import { isCLIPSegError } from '../errors.js';
import { bytesSource } from '../io/byte-source.js';
import type { ByteSource } from '../io/byte-source.js';
import { readSafetensorsHeader, SAFETENSORS_DEFAULT_MAX_HEADER_BYTES } from './header.js';
import { openSafetensors } from './reader.js';
import { SafetensorsError } from './safetensors-error.js';
import type { SafetensorsErrorCode } from './safetensors-error.js';

const encoder = new TextEncoder();

/**
 * Builds a file by hand: prefix (the real header length unless `declared` is
 * given), the header (JSON-stringified unless already a string or bytes), then
 * `data` bytes of data.
 */
function file(header: unknown, data = 0, declared?: bigint): Uint8Array {
  const headerBytes = header instanceof Uint8Array ? header : encoder.encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + headerBytes.byteLength + data);
  new DataView(out.buffer).setBigUint64(0, declared ?? BigInt(headerBytes.byteLength), true);
  out.set(headerBytes, 8);
  for (let i = 0; i < data; i++) out[8 + headerBytes.byteLength + i] = i & 0xff;
  return out;
}

const f32 = (shape: number[], begin: number, end: number): object => ({ dtype: 'F32', shape, data_offsets: [begin, end] });

async function codeOf(bytes: Uint8Array, options?: { maxHeaderBytes?: number }): Promise<SafetensorsErrorCode | 'OK'> {
  try {
    await readSafetensorsHeader(bytesSource(bytes), options);
    return 'OK';
  } catch (error) {
    if (!(error instanceof SafetensorsError)) throw error;
    return error.code;
  }
}

/** A source that records every read, to prove what was (not) read. */
function spySource(bytes: Uint8Array): ByteSource & { reads: [number, number][] } {
  const inner = bytesSource(bytes);
  const reads: [number, number][] = [];
  return {
    size: inner.size,
    reads,
    read(offset, length) {
      reads.push([offset, length]);
      return inner.read(offset, length);
    },
  };
}

describe('safetensors header: valid edge cases', () => {
  it('accepts an empty header object with no data', async () => {
    expect(await codeOf(file({}))).toBe('OK');
  });

  it('accepts several empty tensors at one offset, ignores unknown entry fields, keeps odd metadata keys', async () => {
    const header = await readSafetensorsHeader(
      bytesSource(
        file(
          {
            __metadata__: { ['__proto__']: 'x', format: 'pt' },
            a: { ...f32([0], 0, 0), extra: true },
            b: f32([2, 0], 0, 0),
            c: f32([1], 0, 4),
          },
          4,
        ),
      ),
    );
    expect(header.tensors.map((t) => t.name)).toEqual(['a', 'b', 'c']);
    expect(Object.keys(header.metadata!)).toEqual(['__proto__', 'format']);
    expect(header.metadata!.__proto__).toBe('x');
  });

  it('orders tensors by offset whatever the JSON order', async () => {
    const header = await readSafetensorsHeader(bytesSource(file({ z: f32([1], 0, 4), a: f32([1], 4, 8) }, 8)));
    expect(header.tensors.map((t) => t.name)).toEqual(['z', 'a']);
    expect(header.dataOffset).toBe(8 + header.headerLength);
    expect(header.dataLength).toBe(8);
  });
});

describe('safetensors header: each corruption has its typed error', () => {
  const valid = file({ __metadata__: { format: 'pt' }, w: f32([2], 0, 8) }, 8);
  const cases: [string, () => Uint8Array, SafetensorsErrorCode, { maxHeaderBytes?: number }?][] = [
    ['an empty file', () => new Uint8Array(0), 'SAFETENSORS_TRUNCATED'],
    ['a file shorter than 8 bytes', () => valid.subarray(0, 5), 'SAFETENSORS_TRUNCATED'],
    ['a header cut off', () => valid.subarray(0, 20), 'SAFETENSORS_TRUNCATED'],
    ['a header length larger than the file', () => file({}, 0, 1000n), 'SAFETENSORS_TRUNCATED'],
    ['a header over the default limit', () => file({}, 0, BigInt(SAFETENSORS_DEFAULT_MAX_HEADER_BYTES + 1)), 'SAFETENSORS_HEADER_TOO_LARGE'],
    ['a header length of 2^64 - 1', () => file({}, 0, 2n ** 64n - 1n), 'SAFETENSORS_HEADER_TOO_LARGE'],
    ['a header over a custom limit', () => valid, 'SAFETENSORS_HEADER_TOO_LARGE', { maxHeaderBytes: 16 }],
    ['a non-JSON header', () => file('{"w": {dtype: F32}}'), 'SAFETENSORS_HEADER_INVALID'],
    ['a zero-length header', () => file(''), 'SAFETENSORS_HEADER_INVALID'],
    ['a header that is not UTF-8', () => file(Uint8Array.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])), 'SAFETENSORS_HEADER_INVALID'],
    ['a header with a byte-order mark', () => file('\ufeff{}'), 'SAFETENSORS_HEADER_INVALID'],
    ['a JSON array header', () => file([f32([2], 0, 8)], 8), 'SAFETENSORS_HEADER_INVALID'],
    ['a JSON null header', () => file('null'), 'SAFETENSORS_HEADER_INVALID'],
    ['a JSON string header', () => file('"w"'), 'SAFETENSORS_HEADER_INVALID'],
    ['an entry that is not an object', () => file({ w: [1, 2] }), 'SAFETENSORS_HEADER_INVALID'],
    ['an entry without data_offsets', () => file({ w: { dtype: 'F32', shape: [0] } }), 'SAFETENSORS_HEADER_INVALID'],
    ['an entry without dtype', () => file({ w: { shape: [0], data_offsets: [0, 0] } }), 'SAFETENSORS_HEADER_INVALID'],
    ['a non-string dtype', () => file({ w: { dtype: 4, shape: [0], data_offsets: [0, 0] } }), 'SAFETENSORS_HEADER_INVALID'],
    ['a shape that is not an array', () => file({ w: { dtype: 'F32', shape: 2, data_offsets: [0, 8] } }, 8), 'SAFETENSORS_HEADER_INVALID'],
    ['an unknown dtype', () => file({ w: { dtype: 'F99', shape: [2], data_offsets: [0, 8] } }, 8), 'SAFETENSORS_DTYPE_UNSUPPORTED'],
    ['a lower-case dtype', () => file({ w: { dtype: 'f32', shape: [2], data_offsets: [0, 8] } }, 8), 'SAFETENSORS_DTYPE_UNSUPPORTED'],
    ['a sub-byte dtype', () => file({ w: { dtype: 'F4', shape: [2], data_offsets: [0, 1] } }, 1), 'SAFETENSORS_DTYPE_UNSUPPORTED'],
    ['a negative dimension', () => file({ w: f32([-2], 0, 8) }, 8), 'SAFETENSORS_SHAPE_INVALID'],
    ['a fractional dimension', () => file({ w: f32([2.5], 0, 10) }, 10), 'SAFETENSORS_SHAPE_INVALID'],
    ['a string dimension', () => file({ w: { dtype: 'F32', shape: ['2'], data_offsets: [0, 8] } }, 8), 'SAFETENSORS_SHAPE_INVALID'],
    ['a dimension beyond 2^53', () => file('{"w":{"dtype":"U8","shape":[9007199254740993],"data_offsets":[0,0]}}'), 'SAFETENSORS_SHAPE_INVALID'],
    ['offsets mismatching the shape', () => file({ w: f32([3], 0, 8) }, 8), 'SAFETENSORS_OFFSETS_INVALID'],
    ['offsets with begin > end', () => file({ w: f32([0], 8, 0) }, 8), 'SAFETENSORS_OFFSETS_INVALID'],
    ['negative offsets', () => file({ w: f32([2], -8, 0) }, 8), 'SAFETENSORS_OFFSETS_INVALID'],
    ['fractional offsets', () => file({ w: f32([2], 0.5, 8.5) }, 9), 'SAFETENSORS_OFFSETS_INVALID'],
    ['three offsets', () => file({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8, 16] } }, 8), 'SAFETENSORS_OFFSETS_INVALID'],
    ['offsets that are not an array', () => file({ w: { dtype: 'F32', shape: [2], data_offsets: '0-8' } }, 8), 'SAFETENSORS_OFFSETS_INVALID'],
    ['offsets past the end of the file', () => file({ w: f32([4], 0, 16) }, 8), 'SAFETENSORS_TRUNCATED'],
    ['overlapping tensors', () => file({ a: f32([2], 0, 8), b: f32([2], 4, 12) }, 12), 'SAFETENSORS_OVERLAP'],
    ['identical ranges', () => file({ a: f32([2], 0, 8), b: f32([2], 0, 8) }, 8), 'SAFETENSORS_OVERLAP'],
    ['an empty tensor inside another', () => file({ a: f32([2], 0, 8), b: f32([0], 4, 4) }, 8), 'SAFETENSORS_OVERLAP'],
    ['a gap between tensors', () => file({ a: f32([1], 0, 4), b: f32([1], 8, 12) }, 12), 'SAFETENSORS_COVERAGE_INCOMPLETE'],
    ['data that does not start at 0', () => file({ a: f32([1], 4, 8) }, 8), 'SAFETENSORS_COVERAGE_INCOMPLETE'],
    ['trailing bytes after the last tensor', () => file({ a: f32([1], 0, 4) }, 8), 'SAFETENSORS_COVERAGE_INCOMPLETE'],
    ['data with no tensors', () => file({}, 4), 'SAFETENSORS_COVERAGE_INCOMPLETE'],
    ['__metadata__ that is an array', () => file({ __metadata__: ['pt'] }), 'SAFETENSORS_METADATA_INVALID'],
    ['__metadata__ with a number value', () => file({ __metadata__: { epoch: 3 } }), 'SAFETENSORS_METADATA_INVALID'],
    ['__metadata__ with a nested object', () => file({ __metadata__: { a: { b: 'c' } } }), 'SAFETENSORS_METADATA_INVALID'],
    ['__metadata__ that is null', () => file({ __metadata__: null }), 'SAFETENSORS_METADATA_INVALID'],
  ];

  it.each(cases)('%s → %s', async (_label, make, code, options) => {
    expect(await codeOf(make(), options)).toBe(code);
  });

  it('an invalid maxHeaderBytes option is refused', async () => {
    expect(await codeOf(valid, { maxHeaderBytes: -1 })).toBe('SAFETENSORS_INPUT_INVALID');
    expect(await codeOf(valid, { maxHeaderBytes: Number.NaN })).toBe('SAFETENSORS_INPUT_INVALID');
  });

  it('the valid base file opens', async () => {
    expect(await codeOf(valid)).toBe('OK');
  });

  it('errors are CLIPSegErrors that name the tensor and the field', async () => {
    const error = await readSafetensorsHeader(bytesSource(file({ 'layer.3.bias': f32([-1], 0, 0) }))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SafetensorsError);
    expect(isCLIPSegError(error, 'SAFETENSORS_SHAPE_INVALID')).toBe(true);
    expect((error as SafetensorsError).message).toContain('"layer.3.bias"');
    expect((error as SafetensorsError).message).toContain('shape[0]');
    expect((error as SafetensorsError).details).toMatchObject({ tensor: 'layer.3.bias', field: 'shape' });
    expect((error as SafetensorsError).name).toBe('SafetensorsError');
  });
});

describe('absurd sizes are refused from the header alone', () => {
  it('a 1e12-element tensor whose offsets match its shape is refused without reading or allocating data', async () => {
    const bytes = file({ big: { dtype: 'F32', shape: [1_000_000, 1_000_000], data_offsets: [0, 4_000_000_000_000] } }, 16);
    const source = spySource(bytes);
    const error = await openSafetensors(source).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SAFETENSORS_TRUNCATED' });
    const headerLength = bytes.byteLength - 8 - 16;
    expect(source.reads).toEqual([
      [0, 8],
      [8, headerLength],
    ]);
  });

  it('a 1e12-element tensor with small offsets is refused as an offsets mismatch', async () => {
    const source = spySource(file({ big: { dtype: 'F32', shape: [1e12], data_offsets: [0, 4] } }, 4));
    await expect(openSafetensors(source)).rejects.toMatchObject({ code: 'SAFETENSORS_OFFSETS_INVALID' });
    expect(source.reads.reduce((n, [, length]) => n + length, 0)).toBeLessThan(100);
  });

  it('a shape whose element count overflows 64 bits is refused, not wrapped', async () => {
    // 2^32 × 2^32 wraps to 0 in 64-bit arithmetic; the reference's checked product refuses it, and so does this one.
    const bytes = file({ big: { dtype: 'F32', shape: [2 ** 32, 2 ** 32], data_offsets: [0, 0] } });
    expect(await codeOf(bytes)).toBe('SAFETENSORS_SHAPE_INVALID');
    // 2^32 × 2^31 × 4 bytes overflows only once multiplied by the element size: an offsets mismatch.
    expect(await codeOf(file({ big: { dtype: 'F32', shape: [2 ** 32, 2 ** 31], data_offsets: [0, 0] } }))).toBe('SAFETENSORS_OFFSETS_INVALID');
  });

  it('an oversized header length is refused before the header is read', async () => {
    const source = spySource(file({}, 0, 2n ** 40n));
    await expect(openSafetensors(source)).rejects.toMatchObject({ code: 'SAFETENSORS_HEADER_TOO_LARGE' });
    expect(source.reads).toEqual([[0, 8]]);
  });
});

describe('hostile headers found by fuzzing (docs/fuzzing.md)', () => {
  it('a deeply nested entry is refused with a typed error, not a stack overflow', async () => {
    const deep = `${'['.repeat(50_000)}0${']'.repeat(50_000)}`;
    expect(await codeOf(file(`{"t":${deep}}`))).toBe('SAFETENSORS_HEADER_INVALID');
    expect(await codeOf(file(`{"t":{"dtype":"F32","shape":[1],"data_offsets":${deep}}}`, 4))).toBe('SAFETENSORS_OFFSETS_INVALID');
    expect(await codeOf(file(`{"__metadata__":{"k":${deep}}}`))).toBe('SAFETENSORS_METADATA_INVALID');
  });

  it('a shape of a hundred thousand huge dimensions is refused in linear time', async () => {
    const header = { t: { dtype: 'F32', shape: new Array<number>(100_000).fill(2 ** 53 - 1), data_offsets: [0, 4] } };
    const started = performance.now();
    const error = await readSafetensorsHeader(bytesSource(file(header, 4))).catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error).toMatchObject({ code: 'SAFETENSORS_SHAPE_INVALID' });
    expect((error as Error).message).toContain('overflows 64 bits at shape[1]');
    expect((error as Error).message.length).toBeLessThan(1000);
  });

  it('an empty tensor whose other dimensions overflow 64 bits is refused (reading it would fail later)', async () => {
    // Found by `pnpm fuzz`: the header accepted it (0 elements), then read() failed with a TensorError.
    const shape = [...new Array<number>(30).fill(2 ** 53 - 1), 0];
    expect(await codeOf(file({ t: { dtype: 'F32', shape, data_offsets: [0, 0] } }))).toBe('SAFETENSORS_SHAPE_INVALID');
    // A zero first keeps the checked product at 0, as in the reference: that empty tensor reads fine.
    const reader = await openSafetensors(bytesSource(file({ t: { dtype: 'F32', shape: [0, 2 ** 53 - 1, 2 ** 53 - 1], data_offsets: [0, 0] } })));
    expect((await reader.read('t')).dims).toEqual([0, 2 ** 53 - 1, 2 ** 53 - 1]);
  });
});

import { describe, expect, it } from 'vitest';
import { bytesSource } from '../io/byte-source.js';
import type { ByteSource } from '../io/byte-source.js';
import { createTensor } from '../tensor/tensor.js';
import type { Tensor } from '../tensor/tensor.js';
import { SAFETENSORS_DTYPE_BYTES, SAFETENSORS_DTYPES } from './dtype.js';
import { openSafetensors, SafetensorsReader } from './reader.js';
import { SafetensorsError } from './safetensors-error.js';
import type { RawSafetensor } from './types.js';
import { writeSafetensors } from './writer.js';

const encoder = new TextEncoder();

function countingSource(bytes: Uint8Array): ByteSource & { bytesRead: number; closed: boolean } {
  const inner = bytesSource(bytes);
  const source = {
    size: inner.size,
    bytesRead: 0,
    closed: false,
    async read(offset: number, length: number) {
      source.bytesRead += length;
      return inner.read(offset, length);
    },
    async close() {
      source.closed = true;
    },
  };
  return source;
}

const tensorCases: [string, Tensor][] = [
  ['float32', createTensor('float32', [2, 3], [0, -1.5, 3.25, Number.MAX_VALUE, Infinity, -0])],
  ['float32 scalar', createTensor('float32', [], [42.5])],
  ['float32 empty', createTensor('float32', [0, 4])],
  ['float16', createTensor('float16', [3], Uint16Array.from([0x3c00, 0xfc00, 0x7e01]))],
  ['float16 scalar', createTensor('float16', [], Uint16Array.from([0x0001]))],
  ['int64', createTensor('int64', [2, 2], [-(2n ** 63n), 2n ** 63n - 1n, 0n, 2n ** 53n + 1n])],
  ['int64 scalar', createTensor('int64', [], [49407n])],
  ['int64 empty', createTensor('int64', [3, 0])],
  ['int32', createTensor('int32', [4], [-(2 ** 31), 2 ** 31 - 1, 0, 7])],
  ['int32 empty', createTensor('int32', [0])],
  ['uint8', createTensor('uint8', [2, 2], [0, 1, 128, 255])],
  ['uint8 scalar', createTensor('uint8', [], [9])],
  ['bool', createTensor('bool', [4], [1, 0, 0, 1])],
  ['bool empty', createTensor('bool', [0])],
];

describe('SafetensorsReader round trips', () => {
  it.each(tensorCases)('%s survives write → read', async (_label, tensor) => {
    const reader = await openSafetensors(bytesSource(writeSafetensors({ t: tensor, other: createTensor('uint8', [3], [1, 2, 3]) })));
    const back = await reader.read('t');
    expect(back.type).toBe(tensor.type);
    expect(back.dims).toEqual(tensor.dims);
    expect(back.data.constructor).toBe(tensor.data.constructor);
    expect([...back.data]).toEqual([...tensor.data]);
    if (tensor.type === 'float32') {
      // bit-exact, including -0
      expect(new Uint32Array(back.data.slice().buffer)).toEqual(new Uint32Array((tensor.data as Float32Array).slice().buffer));
    }
  });

  it('every safetensors dtype round-trips through readRaw', async () => {
    const inputs: Record<string, RawSafetensor> = {};
    for (const [i, dtype] of SAFETENSORS_DTYPES.entries()) {
      const bytes = Uint8Array.from({ length: 3 * SAFETENSORS_DTYPE_BYTES[dtype] }, (_, j) => (i * 31 + j * 7) & 0xff);
      inputs[`t.${dtype}`] = { dtype, shape: [3], bytes: dtype === 'BOOL' ? bytes.map((b) => b & 1) : bytes };
      inputs[`scalar.${dtype}`] = { dtype, shape: [], bytes: bytes.subarray(0, SAFETENSORS_DTYPE_BYTES[dtype]) };
      inputs[`empty.${dtype}`] = { dtype, shape: [0, 2], bytes: new Uint8Array(0) };
    }
    const reader = await openSafetensors(bytesSource(writeSafetensors(inputs)));
    expect(reader.names).toHaveLength(3 * SAFETENSORS_DTYPES.length);
    for (const [name, expected] of Object.entries(inputs)) {
      const raw = await reader.readRaw(name);
      expect(raw.dtype).toBe(expected.dtype);
      expect(raw.shape).toEqual(expected.shape);
      expect([...raw.bytes]).toEqual([...expected.bytes]);
    }
  });

  it('keeps metadata and lists tensors with their offsets', async () => {
    const reader = await openSafetensors(bytesSource(writeSafetensors({ b: createTensor('uint8', [2]), a: createTensor('float32', [1]) }, { format: 'pt' })));
    expect(reader.metadata).toEqual({ format: 'pt' });
    expect(reader.names).toEqual(['a', 'b']);
    expect(reader.info('b')).toMatchObject({ dtype: 'U8', shape: [2], dataOffsets: [4, 6], byteLength: 2 });
    expect(reader.has('a')).toBe(true);
    expect(reader.has('c')).toBe(false);
    expect(Object.keys(await reader.readAll())).toEqual(['a', 'b']);
  });
});

describe('BF16 and float conversion', () => {
  const bf16 = Uint16Array.from([0x3f80, 0xc0a0, 0x0001, 0x7f80]);
  const bf16Values = [1, -5, 2 ** -133, Infinity];
  const file = writeSafetensors({
    bf: { dtype: 'BF16', shape: [2, 2], bytes: new Uint8Array(bf16.buffer) },
    half: createTensor('float16', [2], Uint16Array.from([0x3555, 0xc000])),
    full: createTensor('float32', [1], [0.1]),
    ids: createTensor('int64', [1], [1n]),
    dbl: { dtype: 'F64', shape: [1], bytes: new Uint8Array(new Float64Array([0.1]).buffer) },
  });

  it('read() widens BF16 to float32 losslessly', async () => {
    const reader = await openSafetensors(bytesSource(file));
    const tensor = await reader.read('bf');
    expect(tensor.type).toBe('float32');
    expect(tensor.dims).toEqual([2, 2]);
    expect([...tensor.data]).toEqual(bf16Values);
  });

  it('readFloat32 converts F32, F16 and BF16', async () => {
    const reader = await openSafetensors(bytesSource(file));
    expect([...(await reader.readFloat32('bf'))]).toEqual(bf16Values);
    expect([...(await reader.readFloat32('half'))]).toEqual([0.25 * (1 + 0x155 / 1024), -2]);
    expect([...(await reader.readFloat32('full'))]).toEqual([Math.fround(0.1)]);
  });

  it('readFloat32 refuses integer tensors with SAFETENSORS_DTYPE_MISMATCH', async () => {
    const reader = await openSafetensors(bytesSource(file));
    await expect(reader.readFloat32('ids')).rejects.toMatchObject({ code: 'SAFETENSORS_DTYPE_MISMATCH' });
  });

  it('read() refuses dtypes without a Tensor dtype, readRaw still works', async () => {
    const reader = await openSafetensors(bytesSource(file));
    await expect(reader.read('dbl')).rejects.toMatchObject({ code: 'SAFETENSORS_DTYPE_UNSUPPORTED' });
    const raw = await reader.readRaw('dbl');
    expect(new DataView(raw.bytes.buffer, raw.bytes.byteOffset).getFloat64(0, true)).toBe(0.1);
  });
});

describe('SafetensorsReader behaviour', () => {
  it('reads lazily: opening reads only the prefix and header, each read only its tensor', async () => {
    const big = createTensor('float32', [1000]);
    const bytes = writeSafetensors({ big, small: createTensor('int32', [2], [5, 6]) });
    const source = countingSource(bytes);
    const reader = await SafetensorsReader.open(source);
    expect(source.bytesRead).toBe(reader.header.dataOffset);
    expect([...(await reader.read('small')).data]).toEqual([5, 6]);
    expect(source.bytesRead).toBe(reader.header.dataOffset + 8);
  });

  it('copies unaligned data and decodes it correctly', async () => {
    // A hand-made file whose header is not padded: 4-byte tensors start at an odd offset.
    let json = JSON.stringify({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, i: { dtype: 'I64', shape: [1], data_offsets: [8, 16] } });
    if ((8 + json.length) % 4 === 0) json += ' ';
    const header = encoder.encode(json);
    const bytes = new Uint8Array(8 + header.length + 16);
    const view = new DataView(bytes.buffer);
    view.setBigUint64(0, BigInt(header.length), true);
    bytes.set(header, 8);
    const base = 8 + header.length;
    view.setFloat32(base, 1.25, true);
    view.setFloat32(base + 4, -7, true);
    view.setBigInt64(base + 8, -123456789012345n, true);
    const reader = await openSafetensors(bytesSource(bytes));
    const w = await reader.read('w');
    expect([...w.data]).toEqual([1.25, -7]);
    expect(w.data.buffer).not.toBe(bytes.buffer);
    expect([...(await reader.read('i')).data]).toEqual([-123456789012345n]);
  });

  it('returns views of an in-memory source when aligned', async () => {
    const bytes = writeSafetensors({ w: createTensor('float32', [2], [1, 2]) });
    const reader = await openSafetensors(bytesSource(bytes));
    expect((await reader.read('w')).data.buffer).toBe(bytes.buffer);
  });

  it('a missing tensor name gives SAFETENSORS_TENSOR_NOT_FOUND naming it', async () => {
    const reader = await openSafetensors(bytesSource(writeSafetensors({ a: createTensor('uint8', [1]) })));
    const error = await reader.read('decoder.missing').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SafetensorsError);
    expect(error).toMatchObject({ code: 'SAFETENSORS_TENSOR_NOT_FOUND', details: { tensor: 'decoder.missing' } });
    expect((error as Error).message).toContain('"decoder.missing"');
    expect(() => reader.info('nope')).toThrow(SafetensorsError);
    await expect(reader.readRaw('nope')).rejects.toMatchObject({ code: 'SAFETENSORS_TENSOR_NOT_FOUND' });
  });

  it('close() closes the source once; later reads fail with SAFETENSORS_CLOSED', async () => {
    const source = countingSource(writeSafetensors({ a: createTensor('uint8', [1]) }));
    const reader = await openSafetensors(source);
    await reader.close();
    await reader.close();
    expect(source.closed).toBe(true);
    await expect(reader.read('a')).rejects.toMatchObject({ code: 'SAFETENSORS_CLOSED' });
    expect(reader.names).toEqual(['a']);
  });

  it('a source that returns fewer bytes than asked gives SAFETENSORS_TRUNCATED', async () => {
    const bytes = writeSafetensors({ a: createTensor('float32', [4]) });
    const inner = bytesSource(bytes);
    const shrinking: ByteSource = {
      size: inner.size,
      read: async (offset, length) => (offset === 0 || offset === 8 ? inner.read(offset, length) : (await inner.read(offset, length)).subarray(0, 3)),
    };
    const reader = await openSafetensors(shrinking);
    await expect(reader.read('a')).rejects.toMatchObject({ code: 'SAFETENSORS_TRUNCATED' });
  });
});

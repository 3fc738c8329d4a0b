import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeWithShared, sharedDir } from '@clipseg/core/testing';
import { OP } from './pickle-opcodes.js';
import { bytesAccess } from './random-access-bytes.js';
import { PickleWriter } from '../../test/torch-builders/pickle-writer.js';
import { f32Bytes, stateDictPickle, writeTensor, writeTorchFile } from '../../test/torch-builders/torch-file-builder.js';
import type { TestTensor, TorchFileSpec } from '../../test/torch-builders/torch-file-builder.js';
import { TorchCheckpointError } from './torch-checkpoint-error.js';
import type { TorchCheckpointErrorCode } from './torch-checkpoint-error.js';
import { openTorchCheckpoint, readTorchCheckpoint } from './torch-checkpoint-reader.js';
import type { TorchCheckpointOptions, TorchCheckpointReader } from './torch-checkpoint-reader.js';

const shared = sharedDir();
const golden = (...parts: string[]): string => join(shared, 'golden', ...parts);

function refusal(fn: () => unknown): TorchCheckpointError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TorchCheckpointError);
    expect((error as Error).message).toContain('Nothing from the file was executed.');
    return error as TorchCheckpointError;
  }
  throw new Error('expected the checkpoint to be refused');
}

const open = (spec: TorchFileSpec, options?: TorchCheckpointOptions): TorchCheckpointReader =>
  readTorchCheckpoint(writeTorchFile(spec), { source: 'test.bin', ...options });
const codeOf = (spec: TorchFileSpec, options?: TorchCheckpointOptions): TorchCheckpointErrorCode => refusal(() => open(spec, options)).code;

const W: TestTensor = { name: 'w', storageKey: '0', numel: 4, shape: [2, 2] };
const W_BYTES = f32Bytes([1, 2, 3, 4]);

/** Parses a safetensors file (8-byte length, JSON header, data) with a few lines, independent of @clipseg/core. */
function parseSafetensors(bytes: Uint8Array): Map<string, { dtype: string; shape: number[]; data: Uint8Array }> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] }
  >;
  const out = new Map<string, { dtype: string; shape: number[]; data: Uint8Array }>();
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const base = 8 + headerLength;
    out.set(name, { dtype: info.dtype, shape: info.shape, data: bytes.subarray(base + info.data_offsets[0], base + info.data_offsets[1]) });
  }
  return out;
}

describeWithShared('golden checkpoints (shared/golden)', () => {
  it('reads ok-small.bin: w = [[1, 2], [3, 4]] float32', async () => {
    const reader = readTorchCheckpoint(readFileSync(golden('checkpoint-safety', 'ok-small.bin')), { source: 'ok-small.bin' });
    expect(reader.list().map(({ name, dtype, shape }) => ({ name, dtype, shape }))).toEqual([{ name: 'w', dtype: 'F32', shape: [2, 2] }]);
    expect([...(await reader.readFloat32('w'))]).toEqual([1, 2, 3, 4]);
    expect(reader.prefix).toBe('archive');
    expect(reader.formatVersion).toBe(3);
    expect(reader.skipped).toEqual([]);
    expect(reader.source).toBe('ok-small.bin');
  });

  it('refuses evil-os-system.bin, naming the global, executing nothing', () => {
    const marker = '/tmp/clipseg-pwned-marker';
    const existedBefore = existsSync(marker);
    const error = refusal(() => readTorchCheckpoint(readFileSync(golden('checkpoint-safety', 'evil-os-system.bin')), { source: 'evil-os-system.bin' }));
    expect(error.code).toBe('TORCH_PICKLE_FORBIDDEN_GLOBAL');
    expect(['os.system', 'posix.system']).toContain(error.details?.['global']);
    expect(error.message).toMatch(/(os|posix)\.system/u);
    expect(error.message.startsWith('evil-os-system.bin: ')).toBe(true);
    if (!existedBefore) expect(existsSync(marker)).toBe(false);
  });

  it('refuses evil-storage-overrun.bin (1000 elements claimed, 4 stored)', () => {
    const error = refusal(() => readTorchCheckpoint(readFileSync(golden('checkpoint-safety', 'evil-storage-overrun.bin'))));
    expect(error.code).toBe('TORCH_STORAGE_OVERRUN');
    expect(error.details).toMatchObject({ key: '0', numel: '1000', entryBytes: 16 });
  });

  for (const verifyChecksums of [true, false]) {
    it(`reads clipseg-tiny-refined/pytorch_model.bin exactly like model.safetensors (verifyChecksums ${String(verifyChecksums)})`, async () => {
      const dir = golden('clipseg-tiny-refined');
      const reader = readTorchCheckpoint(new Uint8Array(readFileSync(join(dir, 'pytorch_model.bin'))), { source: 'pytorch_model.bin', verifyChecksums });
      const expected = parseSafetensors(new Uint8Array(readFileSync(join(dir, 'model.safetensors'))));
      expect(reader.list().map((t) => t.name).sort()).toEqual([...expected.keys()].sort());
      expect(reader.skipped).toEqual([]);
      expect(reader.wrapperKey).toBeUndefined();
      for (const info of reader.list()) {
        const want = expected.get(info.name)!;
        expect(info.dtype, info.name).toBe(want.dtype);
        expect(info.shape, info.name).toEqual(want.shape);
        expect(info.contiguous).toBe(true);
        const raw = reader.readBytes(info.name);
        expect(raw.length, info.name).toBe(want.data.length);
        expect(
          raw.findIndex((b, i) => b !== want.data[i]),
          info.name,
        ).toBe(-1);
        const values = await reader.readFloat32(info.name);
        const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
        const wantBits = new Uint32Array(want.data.slice().buffer);
        expect(bits.length, info.name).toBe(wantBits.length);
        // Compare bit patterns element by element (a single toEqual diff of large arrays is slow to print).
        const firstMismatch = bits.findIndex((b, i) => b !== wantBits[i]);
        expect(firstMismatch, info.name).toBe(-1);
      }
      await reader.close();
    });
  }
});

describe('readTorchCheckpoint on files built in memory', () => {
  it('reads a valid torch-like file (aligned, zip64 records)', async () => {
    const reader = open({ pickle: stateDictPickle([W]), storages: { '0': W_BYTES } });
    expect([...(await reader.readFloat32('w'))]).toEqual([1, 2, 3, 4]);
    expect(reader.info('w')).toMatchObject({ storageKey: '0', storageOffset: 0, stride: [2, 1], contiguous: true });
  });

  it('reads a zip64 archive with sentinel sizes and offsets, and one with byteorder little', async () => {
    const sentinels = open({ pickle: stateDictPickle([W]), storages: { '0': W_BYTES }, zip: { zip64: 'sentinels' } });
    expect([...(await sentinels.readFloat32('w'))]).toEqual([1, 2, 3, 4]);
    const little = open({ pickle: stateDictPickle([W]), storages: { '0': W_BYTES }, byteorder: 'little', version: null, prefix: 'my_model' });
    expect(little.prefix).toBe('my_model');
    expect(little.formatVersion).toBeUndefined();
  });

  it('shares one storage between several views, materialising strided ones', async () => {
    const base = { storageKey: '0', numel: 6 };
    const reader = open({
      pickle: stateDictPickle([
        { ...base, name: 'full', shape: [2, 3] },
        { ...base, name: 'transposed', shape: [3, 2], stride: [1, 3] },
        { ...base, name: 'row1', shape: [3], offset: 3 },
        { ...base, name: 'column2', shape: [2], stride: [3], offset: 2 },
        { ...base, name: 'broadcast', shape: [2, 3], stride: [0, 1] },
        { ...base, name: 'scalar', shape: [], offset: 5 },
        { ...base, name: 'empty', shape: [0, 3] },
      ]),
      storages: { '0': f32Bytes([0, 1, 2, 3, 4, 5]) },
    });
    const read = async (name: string): Promise<number[]> => [...(await reader.readFloat32(name))];
    expect(await read('full')).toEqual([0, 1, 2, 3, 4, 5]);
    expect(await read('transposed')).toEqual([0, 3, 1, 4, 2, 5]);
    expect(await read('row1')).toEqual([3, 4, 5]);
    expect(await read('column2')).toEqual([2, 5]);
    expect(await read('broadcast')).toEqual([0, 1, 2, 0, 1, 2]);
    expect(await read('scalar')).toEqual([5]);
    expect(await read('empty')).toEqual([]);
    expect(reader.info('transposed').contiguous).toBe(false);
    expect(reader.info('row1').contiguous).toBe(true);
    expect(reader.list().map((t) => t.name)).toEqual(['full', 'transposed', 'row1', 'column2', 'broadcast', 'scalar', 'empty']);
  });

  it('converts F16, BF16, F64, I64 and BOOL storages, and unwraps parameters', async () => {
    const u16 = (values: number[]): Uint8Array => new Uint8Array(Uint16Array.from(values).buffer);
    const reader = open({
      pickle: stateDictPickle([
        { name: 'h', storageKey: 'h', storageType: 'HalfStorage', numel: 2, shape: [2], parameter: true },
        { name: 'b', storageKey: 'b', storageType: 'BFloat16Storage', numel: 2, shape: [2] },
        { name: 'd', storageKey: 'd', storageType: 'DoubleStorage', numel: 1, shape: [1] },
        { name: 'position_ids', storageKey: 'l', storageType: 'LongStorage', numel: 3, shape: [1, 3] },
        { name: 'mask', storageKey: 'm', storageType: 'BoolStorage', numel: 2, shape: [2] },
      ]),
      storages: {
        h: u16([0x3c00, 0xc000]),
        b: u16([0x3f80, 0x4040]),
        d: new Uint8Array(new Float64Array([0.5]).buffer),
        l: new Uint8Array(new BigInt64Array([0n, 1n, 2n]).buffer),
        m: Uint8Array.of(1, 0),
      },
    });
    expect(reader.list().map((t) => t.dtype)).toEqual(['F16', 'BF16', 'F64', 'I64', 'BOOL']);
    expect([...(await reader.readFloat32('h'))]).toEqual([1, -2]);
    expect([...(await reader.readFloat32('b'))]).toEqual([1, 3]);
    expect([...(await reader.readFloat32('d'))]).toEqual([0.5]);
    expect([...(await reader.readFloat32('position_ids'))]).toEqual([0, 1, 2]);
    expect([...(await reader.readFloat32('mask'))]).toEqual([1, 0]);
    expect(reader.readBytes('h')).toEqual(u16([0x3c00, 0xc000]));
  });

  it('takes the state dict from a "state_dict" or "model" entry, and skips non-tensor values', async () => {
    const w = new PickleWriter().proto(2).op(OP.EMPTY_DICT).mark();
    w.str('epoch').int(3);
    w.str('state_dict').op(OP.EMPTY_DICT).mark().str('w');
    writeTensor(w, W);
    w.str('step').int(7).int(5);
    writeTensor(w, { ...W, name: 'int-keyed' });
    w.op(OP.SETITEMS).op(OP.SETITEMS).op(OP.STOP);
    const reader = open({ pickle: w.build(), storages: { '0': W_BYTES } });
    expect(reader.wrapperKey).toBe('state_dict');
    expect(reader.list().map((t) => t.name)).toEqual(['w']);
    expect(reader.skipped.map((s) => s.name)).toEqual(['step', '5']);
    expect(reader.skipped[0]!.reason).toContain('not a tensor');
    expect([...(await reader.readFloat32('w'))]).toEqual([1, 2, 3, 4]);
  });

  it('accepts the shape of an HF state dict: OrderedDict with _metadata set by BUILD', async () => {
    const pickle = stateDictPickle([W]).slice(0, -2); // drop SETITEMS, STOP
    const w = new PickleWriter().raw(...pickle).op(OP.SETITEMS);
    w.op(OP.EMPTY_DICT).str('_metadata').global('collections', 'OrderedDict').op(OP.EMPTY_TUPLE).op(OP.REDUCE);
    w.str('').op(OP.EMPTY_DICT).str('version').int(1).op(OP.SETITEM).op(OP.SETITEM);
    w.op(OP.SETITEM).op(OP.BUILD).op(OP.STOP);
    const reader = open({ pickle: w.build(), storages: { '0': W_BYTES } });
    expect([...(await reader.readFloat32('w'))]).toEqual([1, 2, 3, 4]);
    expect(reader.skipped).toEqual([]);
  });

  it('reads lazily: opening touches the directory and the pickle, not the storages', async () => {
    const big = new Uint8Array(1 << 20);
    const file = writeTorchFile({ pickle: stateDictPickle([{ ...W, numel: big.length / 4, shape: [big.length / 4] }]), storages: { '0': big } });
    let bytesRead = 0;
    const inner = bytesAccess(file);
    const access = {
      size: inner.size,
      read(offset: number, length: number): Uint8Array {
        expect(offset >= 0 && length >= 0 && offset + length <= inner.size).toBe(true);
        bytesRead += length;
        return inner.read(offset, length);
      },
    };
    const reader = openTorchCheckpoint(access);
    expect(bytesRead).toBeLessThan(70_000);
    expect((await reader.readFloat32('w')).length).toBe(big.length / 4);
    expect(bytesRead).toBeGreaterThan(big.length);
  });

  it('accepts an empty state dict', () => {
    expect(open({ pickle: stateDictPickle([]) }).list()).toEqual([]);
  });

  it('reports unknown names and reads after close', async () => {
    const reader = open({ pickle: stateDictPickle([W]), storages: { '0': W_BYTES } });
    await expect(reader.readFloat32('nope')).rejects.toMatchObject({ code: 'TORCH_TENSOR_NOT_FOUND' });
    expect(() => reader.info('nope')).toThrow(TorchCheckpointError);
    expect(reader.has('w')).toBe(true);
    await reader.close();
    await expect(reader.readFloat32('w')).rejects.toMatchObject({ code: 'TORCH_READER_CLOSED' });
  });
});

describe('readTorchCheckpoint refuses hostile and broken files', () => {
  const evilGlobal = (module: string, name: string): Uint8Array =>
    stateDictPickle([W], (w) => w.str('x').global(module, name).str('echo pwned').op(OP.TUPLE1).op(OP.REDUCE));

  for (const [module, name] of [
    ['builtins', 'eval'],
    ['__builtin__', 'exec'],
    ['subprocess', 'Popen'],
    ['os', 'system'],
    ['builtins', 'getattr'],
  ] as const) {
    it(`refuses a pickle asking for ${module}.${name}`, () => {
      const error = refusal(() => open({ pickle: evilGlobal(module, name), storages: { '0': W_BYTES } }));
      expect(error.code).toBe('TORCH_PICKLE_FORBIDDEN_GLOBAL');
      expect(error.details?.['global']).toBe(`${module}.${name}`);
      expect(error.message).toContain(`${module}.${name}`);
      expect(error.message.startsWith('test.bin: ')).toBe(true);
    });
  }

  it('refuses a storage the archive does not have', () => {
    expect(codeOf({ pickle: stateDictPickle([{ ...W, storageKey: '1' }]), storages: { '0': W_BYTES } })).toBe('TORCH_STORAGE_MISSING');
  });

  it('refuses a storage that claims more elements than its entry holds', () => {
    expect(codeOf({ pickle: stateDictPickle([{ ...W, numel: 5 }]), storages: { '0': W_BYTES } })).toBe('TORCH_STORAGE_OVERRUN');
    expect(codeOf({ pickle: stateDictPickle([{ ...W, storageType: 'DoubleStorage' }]), storages: { '0': W_BYTES } })).toBe('TORCH_STORAGE_OVERRUN');
    expect(codeOf({ pickle: stateDictPickle([{ ...W, numel: 2n ** 70n }]), storages: { '0': W_BYTES } })).toBe('TORCH_STORAGE_OVERRUN');
  });

  it('refuses malformed persistent ids', () => {
    const storages = { '0': W_BYTES };
    expect(codeOf({ pickle: stateDictPickle([{ ...W, storageKey: '../0' }]), storages })).toBe('TORCH_STORAGE_INVALID');
    expect(codeOf({ pickle: stateDictPickle([{ ...W, numel: -1 }]), storages })).toBe('TORCH_STORAGE_INVALID');
    const pid = new PickleWriter().proto(2).mark().str('storage').global('collections', 'OrderedDict').str('0').str('cpu').int(4).op(OP.TUPLE);
    const bytes = pid.op(OP.BINPERSID).op(OP.STOP).build();
    expect(codeOf({ pickle: bytes, storages })).toBe('TORCH_STORAGE_INVALID');
    const tooShort = new PickleWriter().proto(2).str('storage').op(OP.TUPLE1).op(OP.BINPERSID).op(OP.STOP).build();
    expect(codeOf({ pickle: tooShort, storages })).toBe('TORCH_STORAGE_INVALID');
  });

  it('refuses views that reach past their storage', () => {
    const storages = { '0': W_BYTES };
    expect(codeOf({ pickle: stateDictPickle([{ ...W, offset: 1 }]), storages })).toBe('TORCH_VIEW_OUT_OF_BOUNDS');
    expect(codeOf({ pickle: stateDictPickle([{ ...W, shape: [2, 2], stride: [3, 1] }]), storages })).toBe('TORCH_VIEW_OUT_OF_BOUNDS');
    expect(codeOf({ pickle: stateDictPickle([{ ...W, shape: [5] }]), storages })).toBe('TORCH_VIEW_OUT_OF_BOUNDS');
    expect(codeOf({ pickle: stateDictPickle([{ ...W, shape: [2], stride: [2 ** 52] }]), storages })).toBe('TORCH_VIEW_OUT_OF_BOUNDS');
  });

  it('refuses absurd shapes before allocating anything', () => {
    const storages = { '0': W_BYTES };
    expect(codeOf({ pickle: stateDictPickle([{ ...W, shape: [2 ** 20, 2 ** 20] }]), storages })).toBe('TORCH_SHAPE_TOO_LARGE');
    expect(codeOf({ pickle: stateDictPickle([{ ...W, shape: [2 ** 20, 2 ** 20], stride: [0, 0] }]), storages })).toBe('TORCH_SHAPE_TOO_LARGE');
    expect(codeOf({ pickle: stateDictPickle([{ ...W, shape: [2n ** 70n], stride: [0] }]), storages })).toBe('TORCH_SHAPE_TOO_LARGE');
    expect(codeOf({ pickle: stateDictPickle([{ ...W, shape: new Array<number>(65).fill(1) }]), storages })).toBe('TORCH_SHAPE_TOO_LARGE');
    expect(codeOf({ pickle: stateDictPickle([{ ...W, shape: [100, 4], stride: [0, 1] }]), storages }, { maxTensorElements: 399 })).toBe(
      'TORCH_SHAPE_TOO_LARGE',
    );
  });

  it('refuses invalid layouts', () => {
    const storages = { '0': W_BYTES };
    expect(codeOf({ pickle: stateDictPickle([{ ...W, shape: [-2, 2] }]), storages })).toBe('TORCH_SHAPE_INVALID');
    expect(codeOf({ pickle: stateDictPickle([{ ...W, stride: [1] }]), storages })).toBe('TORCH_SHAPE_INVALID');
    expect(codeOf({ pickle: stateDictPickle([{ ...W, offset: -1 }]), storages })).toBe('TORCH_SHAPE_INVALID');
  });

  it('refuses 100k nested MARK/EMPTY_LIST without overflowing the stack', () => {
    const deep = stateDictPickle([W], (w) => {
      w.str('deep');
      for (let i = 0; i < 100_000; i++) w.mark().op(OP.EMPTY_LIST);
    });
    expect(codeOf({ pickle: deep, storages: { '0': W_BYTES } })).toBe('TORCH_PICKLE_TOO_DEEP');
  });

  it('refuses a truncated pickle', () => {
    const pickle = stateDictPickle([W]);
    for (const cut of [0, 1, 30, pickle.length - 1]) {
      expect(codeOf({ pickle: pickle.subarray(0, cut), storages: { '0': W_BYTES } })).toBe('TORCH_PICKLE_INVALID');
    }
  });

  it('refuses every truncation of the zip', () => {
    const file = writeTorchFile({ pickle: stateDictPickle([W]), storages: { '0': W_BYTES } });
    for (let cut = 0; cut < file.length; cut += 7) {
      const error = refusal(() => readTorchCheckpoint(file.subarray(0, cut)));
      expect(error.code, `cut at ${String(cut)}`).toBe('TORCH_ZIP_INVALID');
    }
  });

  it('refuses a big-endian or unreadable byteorder', () => {
    const base = { pickle: stateDictPickle([W]), storages: { '0': W_BYTES } };
    expect(codeOf({ ...base, byteorder: 'big' })).toBe('TORCH_BYTEORDER_UNSUPPORTED');
    expect(codeOf({ ...base, byteorder: 'middle' })).toBe('TORCH_BYTEORDER_UNSUPPORTED');
  });

  it('refuses compressed entries without decompressing them', () => {
    const base = { pickle: stateDictPickle([W]), storages: { '0': W_BYTES } };
    expect(codeOf({ ...base, overrides: { 'data/0': { method: 8 } } })).toBe('TORCH_ZIP_UNSUPPORTED_COMPRESSION');
    expect(codeOf({ ...base, overrides: { 'data.pkl': { method: 8 } } })).toBe('TORCH_ZIP_UNSUPPORTED_COMPRESSION');
  });

  it('checks CRC-32 unless told not to', async () => {
    const spec = { pickle: stateDictPickle([W]), storages: { '0': W_BYTES }, overrides: { 'data/0': { crc32: 42 } } };
    const reader = open(spec);
    await expect(reader.readFloat32('w')).rejects.toMatchObject({ code: 'TORCH_ZIP_CHECKSUM_MISMATCH' });
    expect([...(await open(spec, { verifyChecksums: false }).readFloat32('w'))]).toEqual([1, 2, 3, 4]);
    expect(codeOf({ ...spec, overrides: { 'data.pkl': { crc32: 42 } } })).toBe('TORCH_ZIP_CHECKSUM_MISMATCH');
  });

  it('refuses top-level objects that are not a dict of tensors', () => {
    const storages = { '0': W_BYTES };
    const list = new PickleWriter().proto(2).op(OP.EMPTY_LIST);
    writeTensor(list, W);
    expect(codeOf({ pickle: list.op(OP.APPEND).op(OP.STOP).build(), storages })).toBe('TORCH_NOT_A_STATE_DICT');
    const bare = new PickleWriter().proto(2);
    writeTensor(bare, W);
    expect(codeOf({ pickle: bare.op(OP.STOP).build(), storages })).toBe('TORCH_NOT_A_STATE_DICT');
    const noTensors = new PickleWriter().proto(2).op(OP.EMPTY_DICT).str('epoch').int(3).op(OP.SETITEM).op(OP.STOP).build();
    expect(codeOf({ pickle: noTensors })).toBe('TORCH_NOT_A_STATE_DICT');
  });

  it('refuses archives that are not torch.save archives', () => {
    expect(codeOf({ pickle: stateDictPickle([]), prefix: 'a/b' })).toBe('TORCH_ARCHIVE_INVALID');
    expect(codeOf({ pickle: stateDictPickle([]), version: 'three' })).toBe('TORCH_ARCHIVE_INVALID');
    expect(codeOf({ pickle: stateDictPickle([]), overrides: { version: { name: 'other/data.pkl' } } })).toBe('TORCH_ARCHIVE_INVALID');
    const legacy = Uint8Array.of(0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e);
    expect(refusal(() => readTorchCheckpoint(legacy)).code).toBe('TORCH_LEGACY_FORMAT');
  });

  it('applies pickle limits from the options', () => {
    expect(codeOf({ pickle: stateDictPickle([W]), storages: { '0': W_BYTES } }, { pickleLimits: { maxObjects: 5 } })).toBe('TORCH_PICKLE_LIMIT_EXCEEDED');
    expect(codeOf({ pickle: stateDictPickle([W]), storages: { '0': W_BYTES } }, { maxPickleBytes: 10 })).toBe('TORCH_PICKLE_LIMIT_EXCEEDED');
  });
});

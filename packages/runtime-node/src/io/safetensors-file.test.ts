import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { itWithShared, sharedDir } from '@clipseg/core/testing';
import { createTensor, SafetensorsReader, writeSafetensors } from '@clipseg/core';
import type { ByteSource } from '@clipseg/core';
import { openFileSource } from './file-source.js';
import { openSafetensorsFile, writeSafetensorsFile } from './safetensors-file.js';
import { writeFileAtomic } from './write-file-atomic.js';

const shared = sharedDir();
const dirs: string[] = [];
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clipseg-safetensors-file-'));
  dirs.push(dir);
});
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const tensors = {
  weight: createTensor('float32', [2, 3], [1, 2, 3, 4, 5, 6]),
  ids: createTensor('int64', [2], [49406n, 49407n]),
  mask: createTensor('bool', [2], [1, 0]),
  bf: { dtype: 'BF16' as const, shape: [1], bytes: Uint8Array.from([0x80, 0x3f]) },
};

describe('writeSafetensorsFile', () => {
  it('writes the same bytes as writeSafetensors and reports progress', async () => {
    const path = join(dir, 'model.safetensors');
    const progress: [number, number][] = [];
    await writeSafetensorsFile(path, tensors, { format: 'pt' }, { onProgress: (w, t) => progress.push([w, t]) });
    const expected = writeSafetensors(tensors, { format: 'pt' });
    expect(new Uint8Array(await readFile(path))).toEqual(expected);
    expect(progress.at(-1)).toEqual([expected.byteLength, expected.byteLength]);
    expect(progress).toHaveLength(5);
    expect(await readdir(dir)).toEqual(['model.safetensors']);
  });

  it('replaces an existing file', async () => {
    const path = join(dir, 'model.safetensors');
    await writeFile(path, 'old contents');
    await writeSafetensorsFile(path, tensors);
    const reader = await openSafetensorsFile(path);
    expect(reader.names).toHaveLength(4);
    await reader.close();
  });

  it('leaves no partial file when the writer throws mid-way, and keeps an existing target', async () => {
    const fresh = join(dir, 'fresh.safetensors');
    const failure = new Error('disk on fire');
    const failAfterHeader = (): never => {
      throw failure;
    };
    await expect(writeSafetensorsFile(fresh, tensors, undefined, { onProgress: failAfterHeader })).rejects.toBe(failure);
    expect(await readdir(dir)).toEqual([]);

    const existing = join(dir, 'existing.safetensors');
    await writeFile(existing, 'keep me');
    let calls = 0;
    await expect(
      writeSafetensorsFile(existing, tensors, undefined, {
        onProgress: () => {
          if (++calls === 3) throw failure;
        },
      }),
    ).rejects.toBe(failure);
    expect(await readdir(dir)).toEqual(['existing.safetensors']);
    expect(await readFile(existing, 'utf8')).toBe('keep me');
  });

  it('leaves nothing behind when a chunk producer throws or the write is aborted', async () => {
    const path = join(dir, 'out.bin');
    function* chunks(): Generator<Uint8Array> {
      yield new Uint8Array(1024).fill(1);
      throw new Error('producer failed');
    }
    await expect(writeFileAtomic(path, chunks())).rejects.toThrow('producer failed');
    const controller = new AbortController();
    async function* slow(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(10);
      controller.abort(new Error('cancelled'));
      yield new Uint8Array(10);
    }
    await expect(writeFileAtomic(path, slow(), { signal: controller.signal })).rejects.toThrow('cancelled');
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses invalid inputs before creating any file', async () => {
    const path = join(dir, 'bad.safetensors');
    await expect(writeSafetensorsFile(path, { bad: { type: 'float32', dims: [4], data: new Float32Array(3) } })).rejects.toMatchObject({
      code: 'SAFETENSORS_INPUT_INVALID',
    });
    expect(await readdir(dir)).toEqual([]);
  });

  it('fails with IO_OPEN_FAILED when the directory does not exist', async () => {
    await expect(writeSafetensorsFile(join(dir, 'no', 'such', 'dir.safetensors'), tensors)).rejects.toMatchObject({ code: 'IO_OPEN_FAILED' });
  });
});

describe('openSafetensorsFile', () => {
  it('reads a file from disk lazily: header first, then only the requested tensor', async () => {
    const path = join(dir, 'lazy.safetensors');
    const big = createTensor('float32', [100_000]);
    await writeSafetensorsFile(path, { ...tensors, big });
    const file = await openFileSource(path);
    const reads: [number, number][] = [];
    const spy: ByteSource = {
      size: file.size,
      read: (offset, length) => {
        reads.push([offset, length]);
        return file.read(offset, length);
      },
      close: () => file.close(),
    };
    const reader = await SafetensorsReader.open(spy);
    expect(reads).toEqual([
      [0, 8],
      [8, reader.header.headerLength],
    ]);
    const ids = await reader.read('ids');
    expect([...ids.data]).toEqual([49406n, 49407n]);
    expect(reads).toHaveLength(3);
    expect(reads[2]![1]).toBe(16);
    expect([...(await reader.readFloat32('bf'))]).toEqual([1]);
    expect([...(await reader.read('mask')).data]).toEqual([1, 0]);
    await reader.close();
    await expect(reader.read('ids')).rejects.toMatchObject({ code: 'SAFETENSORS_CLOSED' });
    await expect(file.read(0, 1)).rejects.toMatchObject({ code: 'IO_CLOSED' });
  });

  it('throws the typed error for a corrupt file', async () => {
    const path = join(dir, 'corrupt.safetensors');
    await writeFile(path, Uint8Array.from([1, 2, 3]));
    await expect(openSafetensorsFile(path)).rejects.toMatchObject({ code: 'SAFETENSORS_TRUNCATED' });
    const good = writeSafetensors(tensors);
    await writeFile(path, good.subarray(0, good.byteLength - 1));
    await expect(openSafetensorsFile(path)).rejects.toMatchObject({ code: 'SAFETENSORS_TRUNCATED' });
  });

  itWithShared('reads the golden model.safetensors from disk', async () => {
    const path = join(dir, 'model.safetensors');
    await copyFile(join(shared, 'golden', 'clipseg-tiny-refined', 'model.safetensors'), path);
    const reader = await openSafetensorsFile(path);
    expect(reader.tensors).toHaveLength(174);
    const scale = await reader.read('clip.logit_scale');
    expect(scale.data[0]).toBeCloseTo(2.6592, 4);
    const all = await reader.readAll();
    await reader.close();
    const copy = join(dir, 'copy.safetensors');
    await writeSafetensorsFile(copy, all, { format: 'pt' });
    const again = await openSafetensorsFile(copy);
    expect((await again.read('clip.logit_scale')).data).toEqual(scale.data);
    await again.close();
  });
});

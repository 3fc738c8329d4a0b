import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IoError } from '@clipseg/core';
import { openFileSource } from './file-source.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clipseg-file-source-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('openFileSource', () => {
  it('reports the size and reads arbitrary ranges lazily', async () => {
    const path = join(dir, 'data.bin');
    await writeFile(path, Uint8Array.from({ length: 1000 }, (_, i) => i & 0xff));
    const source = await openFileSource(path);
    try {
      expect(source.size).toBe(1000);
      expect(source.path).toBe(path);
      expect([...(await source.read(254, 4))]).toEqual([254, 255, 0, 1]);
      expect((await source.read(1000, 0)).byteLength).toBe(0);
      const [a, b] = await Promise.all([source.read(0, 3), source.read(997, 3)]);
      expect([...a, ...b]).toEqual([0, 1, 2, 229, 230, 231]);
    } finally {
      await source.close();
    }
  });

  it('rejects ranges outside the file', async () => {
    const path = join(dir, 'small.bin');
    await writeFile(path, new Uint8Array(10));
    const source = await openFileSource(path);
    await expect(source.read(8, 4)).rejects.toMatchObject({ code: 'IO_RANGE_INVALID' });
    await expect(source.read(-1, 1)).rejects.toMatchObject({ code: 'IO_RANGE_INVALID' });
    await source.close();
  });

  it('closes idempotently and refuses reads afterwards', async () => {
    const path = join(dir, 'close.bin');
    await writeFile(path, new Uint8Array(10));
    const source = await openFileSource(path);
    await source.close();
    await source.close();
    await expect(source.read(0, 1)).rejects.toBeInstanceOf(IoError);
    await expect(source.read(0, 1)).rejects.toMatchObject({ code: 'IO_CLOSED' });
  });

  it('returns short reads when the file shrinks after opening', async () => {
    const path = join(dir, 'shrink.bin');
    await writeFile(path, new Uint8Array(100).fill(7));
    const source = await openFileSource(path);
    await writeFile(path, new Uint8Array(10).fill(7));
    expect((await source.read(5, 50)).byteLength).toBe(5);
    await source.close();
  });

  it('fails with IO_OPEN_FAILED for a missing file or a directory', async () => {
    await expect(openFileSource(join(dir, 'missing.bin'))).rejects.toMatchObject({ code: 'IO_OPEN_FAILED' });
    await expect(openFileSource(dir)).rejects.toMatchObject({ code: 'IO_OPEN_FAILED' });
  });
});

import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type * as fsp from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isCLIPSegError } from '@clipseg/core';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { writeFilesAtomic } from './write-files-atomic.js';

// rename is wrapped so that a test can make the placing of one new file fail, as a full disk or a vanished folder
// would (moving the old file aside and back still works).
const failRenameTo = vi.hoisted(() => ({ target: undefined as string | undefined }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof fsp>();
  return {
    ...actual,
    rename: async (from: string, to: string) => {
      if (failRenameTo.target !== undefined && resolve(to) === failRenameTo.target && from.endsWith('.tmp')) {
        throw Object.assign(new Error(`ENOSPC: no space left on device, rename '${from}' -> '${to}'`), { code: 'ENOSPC', errno: -28, syscall: 'rename' });
      }
      return actual.rename(from, to);
    },
  };
});

const work = mkdtempSync(join(tmpdir(), 'clipseg-write-files-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
afterEach(() => {
  failRenameTo.target = undefined;
});

const bytes = (text: string) => new TextEncoder().encode(text);
const read = (path: string) => readFileSync(path, 'utf8');

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string; cause: unknown }> {
  try {
    await promise;
  } catch (error) {
    if (!isCLIPSegError(error)) throw error;
    return { code: error.code, message: error.message, cause: error.cause };
  }
  throw new Error('expected a failure');
}

describe('writeFilesAtomic', () => {
  it('replaces existing files and leaves no temporary or old copies', async () => {
    const dir = join(work, 'replace');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.png'), 'old a');
    await writeFilesAtomic([[join(dir, 'a.png'), bytes('new a')], [join(dir, 'b.png'), bytes('new b')]]);
    expect([read(join(dir, 'a.png')), read(join(dir, 'b.png'))]).toEqual(['new a', 'new b']);
    expect(readdirSync(dir).sort()).toEqual(['a.png', 'b.png']);
  });

  it('puts the previous outputs back when a rename fails after others were placed', async () => {
    const dir = join(work, 'rerun');
    mkdirSync(dir);
    await writeFilesAtomic([[join(dir, 'a.png'), bytes('run 1 a')], [join(dir, 'b.png'), bytes('run 1 b')]]);
    failRenameTo.target = join(dir, 'b.png');
    const error = await failure(writeFilesAtomic([[join(dir, 'a.png'), bytes('run 2 a')], [join(dir, 'b.png'), bytes('run 2 b')], [join(dir, 'c.png'), bytes('run 2 c')]]));
    expect(error.code).toBe('IO_WRITE_FAILED');
    expect(error.message).toMatch(/every output file is as it was before/);
    expect((error.cause as NodeJS.ErrnoException).code).toBe('ENOSPC');
    expect([read(join(dir, 'a.png')), read(join(dir, 'b.png'))]).toEqual(['run 1 a', 'run 1 b']);
    expect(readdirSync(dir).sort()).toEqual(['a.png', 'b.png']);
  });

  it('refuses a target that is a folder before touching any other target', async () => {
    const dir = join(work, 'folder-target');
    mkdirSync(join(dir, 'b.png'), { recursive: true });
    writeFileSync(join(dir, 'a.png'), 'run 1 a');
    const error = await failure(writeFilesAtomic([[join(dir, 'a.png'), bytes('run 2 a')], [join(dir, 'b.png'), bytes('run 2 b')]]));
    expect(error.code).toBe('IO_TARGET_EXISTS');
    expect(read(join(dir, 'a.png'))).toBe('run 1 a');
    expect(readdirSync(dir).sort()).toEqual(['a.png', 'b.png']);
  });

  it('refuses a target listed twice', async () => {
    const dir = join(work, 'twice');
    mkdirSync(dir);
    expect((await failure(writeFilesAtomic([[join(dir, 'a.png'), bytes('1')], [join(dir, './a.png'), bytes('2')]]))).code).toBe('IO_TARGET_EXISTS');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('reports a missing folder, a 5000-character name and a NUL in a path with codes of ours, the Node error as cause', async () => {
    const dir = join(work, 'bad-paths');
    mkdirSync(dir);
    writeFileSync(join(dir, 'kept.png'), 'kept');
    for (const path of [join(dir, 'missing', 'a.png'), join(dir, `${'x'.repeat(5000)}.png`), join(dir, 'a\0b.png')]) {
      const error = await failure(writeFilesAtomic([[join(dir, 'kept.png'), bytes('new')], [path, bytes('x')]]));
      expect(error.code).toMatch(/^IO_/);
      expect(error.message.length).toBeLessThan(1000);
      expect(error.cause).toBeInstanceOf(Error);
    }
    expect(read(join(dir, 'kept.png'))).toBe('kept');
    expect(readdirSync(dir)).toEqual(['kept.png']);
    expect(existsSync(join(dir, 'missing'))).toBe(false);
  });
});

import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isCLIPSegError } from '@clipseg/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileBounded } from './read-file-bounded.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clipseg-bounded-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return isCLIPSegError(error) ? error.code : `not typed: ${String(error)}`;
  }
}

describe('readFileBounded', () => {
  it('reads a regular file whole', async () => {
    await writeFile(join(dir, 'a.txt'), 'hello');
    expect(new TextDecoder().decode(await readFileBounded(join(dir, 'a.txt'), { maxBytes: 5 }))).toBe('hello');
  });
  it('refuses a file over the limit before reading it', async () => {
    await writeFile(join(dir, 'big.txt'), 'x'.repeat(100));
    expect(await codeOf(readFileBounded(join(dir, 'big.txt'), { maxBytes: 99 }))).toBe('IO_TOO_LARGE');
  });
  it('refuses a symlink to /dev/zero at once instead of reading forever', async () => {
    await symlink('/dev/zero', join(dir, 'zero.png'));
    expect(await codeOf(readFileBounded(join(dir, 'zero.png'), { maxBytes: 1 << 30 }))).toBe('IO_NOT_A_FILE');
  });
  it('refuses a FIFO without waiting for a writer', async () => {
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    expect(await codeOf(readFileBounded(join(dir, 'fifo'), { maxBytes: 10 }))).toBe('IO_NOT_A_FILE');
  }, 5000);
  it('refuses a directory and reports a missing file', async () => {
    expect(await codeOf(readFileBounded(dir, { maxBytes: 10 }))).toBe('IO_NOT_A_FILE');
    expect(await codeOf(readFileBounded(join(dir, 'missing'), { maxBytes: 10 }))).toBe('IO_NOT_FOUND');
  });
});

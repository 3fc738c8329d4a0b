import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { entryKind, isBundleDir } from './is-bundle-dir.js';

const work = mkdtempSync(join(tmpdir(), 'clipseg-is-bundle-dir-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function folder(name: string, make: (manifest: string) => void): string {
  const dir = join(work, name);
  mkdirSync(dir);
  make(join(dir, 'manifest.json'));
  return dir;
}

describe('isBundleDir', () => {
  it('is true for a manifest.json that is a regular file, directly or through a link', async () => {
    const dir = folder('bundle', (m) => writeFileSync(m, '{}'));
    expect(await isBundleDir(dir)).toBe(true);
    const linked = folder('linked', (m) => symlinkSync(join(dir, 'manifest.json'), m));
    expect(await isBundleDir(linked)).toBe(true);
  });

  it('is false for a folder without manifest.json, or no folder at all', async () => {
    const dir = join(work, 'checkpoint');
    mkdirSync(dir);
    writeFileSync(join(dir, 'config.json'), '{}');
    expect(await isBundleDir(dir)).toBe(false);
    expect(await isBundleDir(join(work, 'missing'))).toBe(false);
  });

  it.each([
    ['a folder', (m: string) => mkdirSync(m)],
    ['a dangling link', (m: string) => symlinkSync(join(work, 'nowhere.json'), m)],
    ['a FIFO', (m: string) => execFileSync('mkfifo', [m])],
  ])('calls a manifest.json that is %s a broken bundle (BUNDLE_MANIFEST_INVALID)', async (what, make) => {
    const dir = folder(`broken-${what.replace(/\W/g, '-')}`, make);
    await expect(isBundleDir(dir)).rejects.toMatchObject({ code: 'BUNDLE_MANIFEST_INVALID', message: expect.stringMatching(/is a broken bundle/) });
  });
});

describe('entryKind', () => {
  it('tells nothing, a regular file and anything else apart', async () => {
    const dir = folder('kinds', (m) => writeFileSync(m, '{}'));
    mkdirSync(join(dir, 'sub'));
    expect(await entryKind(dir, 'manifest.json')).toBe('file');
    expect(await entryKind(dir, 'sub')).toBe('other');
    expect(await entryKind(dir, 'absent')).toBe('none');
  });
});

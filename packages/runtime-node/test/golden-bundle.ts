import { cpSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryFileSet } from '@clipseg/core';
import { convertCheckpoint } from '@clipseg/convert';
import { readFileSync } from 'node:fs';
import { writeDirectoryAtomic } from '../src/io/write-directory-atomic.js';

let cached: Promise<string> | undefined;

/** Converts ../shared's golden tiny checkpoint once per test file into a temporary bundle folder. */
export function goldenBundle(shared: string): Promise<string> {
  cached ??= (async () => {
    const src = join(shared, 'golden/clipseg-tiny-refined');
    const files: Record<string, Uint8Array> = {};
    for (const name of readdirSync(src)) {
      if (name.startsWith('golden.') || name === 'pytorch_model.bin') continue;
      files[name] = new Uint8Array(readFileSync(join(src, name)));
    }
    const bundle = await convertCheckpoint(memoryFileSet(files, src));
    const dir = join(mkdtempSync(join(tmpdir(), 'clipseg-golden-')), 'bundle');
    await writeDirectoryAtomic(dir, bundle.files.entries());
    return dir;
  })();
  return cached;
}

/** A private copy of a bundle folder, for tests that damage it. */
export function copyBundle(dir: string): string {
  const copy = join(mkdtempSync(join(tmpdir(), 'clipseg-bundle-copy-')), 'bundle');
  cpSync(dir, copy, { recursive: true });
  if (!existsSync(join(copy, 'manifest.json'))) throw new Error('copy failed');
  return copy;
}

/** Largest absolute difference of two equally long arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Test helpers: reading ../shared golden files and this package's fixtures. */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bytesSource, openSafetensors } from '@clipseg/core';
import type { SafetensorsReader } from '@clipseg/core';

/** Absolute path of `packages/processor/test/fixtures`. */
export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** Opens a safetensors file from disk. */
export async function openSafetensorsFile(path: string): Promise<SafetensorsReader> {
  return openSafetensors(bytesSource(await readFile(path)));
}

/** Max |a - b| over two equally long arrays, and how many elements differ at all. */
export function compare(a: ArrayLike<number>, b: ArrayLike<number>): { maxDiff: number; differing: number } {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let maxDiff = 0;
  let differing = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (d !== 0 || Number.isNaN(d)) differing++;
    if (d > maxDiff || Number.isNaN(d)) maxDiff = Number.isNaN(d) ? Infinity : d;
  }
  return { maxDiff, differing };
}

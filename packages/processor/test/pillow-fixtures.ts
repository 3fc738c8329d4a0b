/**
 * The decoding fixtures of test/fixtures/pillow (made by its gen-fixtures.py with Pillow 9.4): the image files and
 * what Pillow's `Image.open(p).convert('RGB')` gives for each. Node-only (reads files); tests need no Python.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder of the fixtures, for runtimes' tests that decode them from their paths. */
export const PILLOW_FIXTURES_DIR = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'pillow');

/** What Pillow 9.4 made of one fixture: its mode, size and RGB bytes, or the error it raised. */
export interface PillowExpectation {
  readonly mode?: string;
  readonly width?: number;
  readonly height?: number;
  /** `convert('RGB').tobytes()`, base64. */
  readonly rgb?: string;
  readonly error?: string;
}

const expected = JSON.parse(readFileSync(join(PILLOW_FIXTURES_DIR, 'expected.json'), 'utf8')) as Record<string, PillowExpectation>;

/** Names of the fixtures whose name starts with `prefix` (e.g. `bmp-`), with what Pillow made of each. */
export function pillowFixtures(prefix: string): [string, PillowExpectation][] {
  const files = new Set(readdirSync(PILLOW_FIXTURES_DIR));
  return Object.entries(expected).filter(([name]) => name.startsWith(prefix) && files.has(name));
}

/** The bytes of a fixture file. */
export function fixtureBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(PILLOW_FIXTURES_DIR, name)));
}

/** Pillow's RGB bytes of a fixture. */
export function pillowRgb(expectation: PillowExpectation): Uint8Array {
  return new Uint8Array(Buffer.from(expectation.rgb ?? '', 'base64'));
}

/** Largest absolute difference of two equally long arrays, and how many entries differ. */
export function compareBytes(actual: ArrayLike<number>, reference: ArrayLike<number>): { max: number; differing: number } {
  if (actual.length !== reference.length) throw new Error(`length ${actual.length} vs ${reference.length}`);
  let max = 0;
  let differing = 0;
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i]! - reference[i]!);
    if (d > 0) differing++;
    if (d > max) max = d;
  }
  return { max, differing };
}

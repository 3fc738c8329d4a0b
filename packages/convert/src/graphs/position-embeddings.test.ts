import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeWithShared, sharedDir } from '@clipseg/core/testing';
import { interpolatePositionEmbeddings } from './position-embeddings.js';

const shared = sharedDir();

/** Reads float32 tensors from a safetensors file (independent of the converter's reader). */
function readF32(file: string, names: readonly string[]): Float32Array[] {
  const bytes = readFileSync(file);
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')) as Record<string, { dtype: string; data_offsets: [number, number] }>;
  return names.map((name) => {
    const entry = header[name];
    if (entry?.dtype !== 'F32') throw new Error(`${name}: not an F32 tensor in ${file}`);
    const [a, b] = entry.data_offsets;
    return new Float32Array(bytes.buffer.slice(bytes.byteOffset + 8 + n + a, bytes.byteOffset + 8 + n + b));
  });
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

describeWithShared('interpolatePositionEmbeddings against PyTorch bicubic', () => {
  const dir = join(shared, 'golden/clipseg-tiny-refined');
  const [table] = readF32(join(dir, 'model.safetensors'), ['clip.vision_model.embeddings.position_embedding.weight']);
  const [at352, at320x256] = readF32(join(dir, 'golden.safetensors'), ['a.vision_position_embeddings_352', 'f.vision_position_embeddings_320x256']);

  it('matches a.vision_position_embeddings_352 (14×14 → 22×22) within 1e-6', () => {
    const diff = maxAbsDiff(interpolatePositionEmbeddings(table!, 14, 22, 22), at352!);
    console.info(`position embeddings 352: max |diff| = ${diff.toExponential(2)}`);
    expect(diff).toBeLessThanOrEqual(1e-6);
  });

  it('matches f.vision_position_embeddings_320x256 (14×14 → 20×16) within 1e-6', () => {
    const diff = maxAbsDiff(interpolatePositionEmbeddings(table!, 14, 20, 16), at320x256!);
    console.info(`position embeddings 320x256: max |diff| = ${diff.toExponential(2)}`);
    expect(diff).toBeLessThanOrEqual(1e-6);
  });

  it('keeps the table at the checkpoint grid', () => {
    const same = interpolatePositionEmbeddings(table!, 14, 14, 14);
    expect(same).toEqual(table);
    expect(same).not.toBe(table);
  });
});

describe('interpolatePositionEmbeddings', () => {
  it('keeps the class position, reproduces constants and is exact on an unchanged axis', () => {
    const dim = 2;
    const grid = 3;
    const table = new Float32Array((grid * grid + 1) * dim);
    table[0] = 7;
    table[1] = -7;
    for (let p = 1; p <= grid * grid; p++) {
      table[p * dim] = 0.25;
      table[p * dim + 1] = p; // row-major index: varies along both axes
    }
    const out = interpolatePositionEmbeddings(table, grid, 5, 3);
    expect(out.length).toBe((1 + 15) * dim);
    expect([out[0], out[1]]).toEqual([7, -7]);
    for (let p = 1; p <= 15; p++) expect(out[p * dim]).toBeCloseTo(0.25, 6);
    // Width 3 → 3: every output row is a combination of source rows with the columns untouched.
    const row0 = Array.from({ length: 3 }, (_, x) => out[(1 + x) * dim + 1]! - out[(1 + 0) * dim + 1]!);
    expect(row0[1]).toBeCloseTo(1, 5);
    expect(row0[2]).toBeCloseTo(2, 5);
  });

  it('refuses tables that do not fit the grid', () => {
    expect(() => interpolatePositionEmbeddings(new Float32Array(11), 3, 4, 4)).toThrow(RangeError);
    expect(() => interpolatePositionEmbeddings(new Float32Array(10), 3, 0, 4)).toThrow(RangeError);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeWithShared, sharedDir } from '../testing/shared-dir.js';
import { openSafetensors } from '../safetensors/reader.js';
import { bytesSource } from '../io/byte-source.js';
import { interpolatePositionEmbeddings, interpolatePositionEmbeddingsAdjoint } from './position-embeddings.js';

const shared = sharedDir();

const read = async (file: string, name: string) => (await openSafetensors(bytesSource(new Uint8Array(readFileSync(file))))).readFloat32(name);
const maxAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0);

describeWithShared("interpolatePositionEmbeddings (core, used at run time by CLIPSegVisionModel) against HF's", () => {
  const dir = join(shared, 'golden/clipseg-tiny-refined');

  it.each([
    ['a.vision_position_embeddings_352', 22, 22],
    ['f.vision_position_embeddings_320x256', 20, 16],
  ])('matches %s within 1e-6', async (name, rows, cols) => {
    const table = await read(join(dir, 'model.safetensors'), 'clip.vision_model.embeddings.position_embedding.weight');
    const expected = await read(join(dir, 'golden.safetensors'), name);
    const diff = maxAbsDiff(interpolatePositionEmbeddings(table, 14, rows, cols), expected);
    console.info(`${name}: max |diff| ${diff.toExponential(2)} (atol 1e-6)`);
    expect(diff).toBeLessThanOrEqual(1e-6);
  });
});

/** Deterministic values in [−1, 1) (a small LCG, so a failure reproduces). */
function randomTable(length: number, seed: number): Float64Array {
  let state = seed >>> 0;
  return Float64Array.from({ length }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  });
}

const dot = (a: Float64Array, b: Float64Array): number => a.reduce((s, v, i) => s + v * b[i]!, 0);

describe('interpolatePositionEmbeddingsAdjoint', () => {
  it.each([
    [14, 22, 22, 8],
    [14, 20, 16, 8],
    [14, 16, 20, 3],
    [14, 14, 14, 8],
    [4, 3, 7, 2],
  ])('satisfies ⟨interp(x), y⟩ = ⟨x, adjoint(y)⟩ in float64 for %i → %i×%i (dim %i) within 1e-12', (grid, height, width, dim) => {
    for (let trial = 0; trial < 3; trial++) {
      const x = randomTable((1 + grid * grid) * dim, 17 + trial);
      const y = randomTable((1 + height * width) * dim, 101 + trial);
      const forward = interpolatePositionEmbeddings(x, grid, height, width);
      expect(forward).toBeInstanceOf(Float64Array);
      const adjoint = interpolatePositionEmbeddingsAdjoint(y, { fromGrid: grid, toGrid: { height, width }, dim });
      expect(adjoint.length).toBe(x.length);
      const lhs = dot(forward, y);
      const rhs = dot(x, adjoint);
      expect(Math.abs(lhs - rhs) / Math.max(Math.abs(lhs), Math.abs(rhs))).toBeLessThanOrEqual(1e-12);
    }
  });

  it('equals the transpose of the forward matrix, entry by entry (a swapped axis or a dropped class row fails)', () => {
    const [grid, height, width, dim] = [3, 5, 4, 2];
    const inputs = (1 + grid * grid) * dim;
    const outputs = (1 + height * width) * dim;
    // Column j of the forward's matrix is interp(e_j); row i of the adjoint's matrix is adjoint(e_i).
    const columns = Array.from({ length: inputs }, (_, j) => {
      const e = new Float64Array(inputs);
      e[j] = 1;
      return interpolatePositionEmbeddings(e, grid, height, width);
    });
    for (let i = 0; i < outputs; i++) {
      const e = new Float64Array(outputs);
      e[i] = 1;
      const row = interpolatePositionEmbeddingsAdjoint(e, { fromGrid: grid, toGrid: { height, width }, dim });
      for (let j = 0; j < inputs; j++) expect(row[j], `A[${i}][${j}]`).toBeCloseTo(columns[j]![i]!, 14);
    }
    // The matrix is not trivially symmetric in its axes: output rows and columns weigh the source differently.
    expect(columns[(1 + 1) * dim]![(1 + 1 * width + 0) * dim]).not.toBeCloseTo(columns[(1 + 1) * dim]![(1 + 0 * width + 1) * dim]!, 6);
  });

  it('passes the class row through and returns a float64 copy at the same grid', () => {
    const y = new Float32Array([3, -2, 1, 1, 1, 1, 1, 1, 1, 1]);
    const same = interpolatePositionEmbeddingsAdjoint(y, { fromGrid: 2, toGrid: { height: 2, width: 2 }, dim: 2 });
    expect(same).toEqual(Float64Array.from(y));
    const resized = interpolatePositionEmbeddingsAdjoint(new Float32Array((1 + 9) * 2).fill(1), { fromGrid: 2, toGrid: { height: 3, width: 3 }, dim: 2 });
    expect([resized[0], resized[1]]).toEqual([1, 1]);
    // Bicubic weights sum to 1 per output, so the total gradient mass of the patches is kept (9 outputs × dim).
    expect(resized.subarray(2).reduce((s, v) => s + v, 0)).toBeCloseTo(9 * 2, 10);
  });

  it('refuses sizes that do not fit', () => {
    expect(() => interpolatePositionEmbeddingsAdjoint(new Float32Array(11), { fromGrid: 3, toGrid: { height: 2, width: 2 }, dim: 2 })).toThrow(RangeError);
    expect(() => interpolatePositionEmbeddingsAdjoint(new Float32Array(2), { fromGrid: 3, toGrid: { height: 0, width: 2 }, dim: 2 })).toThrow(RangeError);
    expect(() => interpolatePositionEmbeddingsAdjoint(new Float32Array(10), { fromGrid: 0, toGrid: { height: 3, width: 3 }, dim: 1 })).toThrow(RangeError);
  });
});

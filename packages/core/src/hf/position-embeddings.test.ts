import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeWithShared, sharedDir } from '../testing/shared-dir.js';
import { openSafetensors } from '../safetensors/reader.js';
import { bytesSource } from '../io/byte-source.js';
import { interpolatePositionEmbeddings } from './position-embeddings.js';

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

import { clipsegPreset, createTensor, memoryFileSet } from '@clipseg/core';
import { initRandomCheckpoint, openCheckpoint, randomCheckpointFiles, SeededRandom } from '@clipseg/convert';
import { createNodeBackend } from '@clipseg/runtime-node';
import { describe, expect, it } from 'vitest';
import { computeFullGradients } from './full-gradients.js';
import { FullTrainer } from './full-trainer.js';

const backend = createNodeBackend();

describe('FullTrainer', () => {
  it('gives the loss and gradients of computeFullGradients (checked against PyTorch) with batched runs', async () => {
    // The tiny preset at a native input of 64 × 64 (patch 16: a 4 × 4 grid).
    const config = clipsegPreset('tiny').with({ vision_config: { image_size: 64 } });
    const files = memoryFileSet(randomCheckpointFiles(initRandomCheckpoint(config, { seed: 2 })), 'tiny64');
    const { reader } = await openCheckpoint(files);
    const rng = new SeededRandom(7);
    const B = 3;
    const side = 64;
    const pixels = Float32Array.from({ length: B * 3 * side * side }, () => rng.nextNormal());
    const ids = [
      [49406, 320, 1000, 49407, 49407],
      [49406, 5, 49407, 49407, 49407],
      [49406, 77, 88, 99, 49407],
    ];
    const targets = Float32Array.from({ length: B * side * side }, () => (rng.nextUnit() < 0.3 ? 1 : 0));
    const trainer = await FullTrainer.create(backend, config, (name) => reader.readFloat32(name));
    const step = await trainer.step({ pixelValues: createTensor('float32', [B, 3, side, side], pixels), inputIds: createTensor('int64', [B, 5], ids.flat()), targets });
    const reference = await computeFullGradients(backend, {
      config,
      readParameter: (name) => reader.readFloat32(name),
      inputIds: createTensor('int64', [B, 5], ids.flat()),
      examples: Array.from({ length: B }, (_, i) => ({ pixelValues: createTensor('float32', [1, 3, side, side], pixels.slice(i * 3 * side * side, (i + 1) * 3 * side * side)), target: targets.slice(i * side * side, (i + 1) * side * side) })),
      imageSize: { height: side, width: side },
    });
    expect(Math.abs(step.loss - reference.loss)).toBeLessThan(1e-6);
    expect([...step.gradients.keys()].sort()).toEqual([...reference.gradients.keys()].sort());
    for (const [name, expected] of reference.gradients) {
      const got = step.gradients.get(name)!;
      const scale = expected.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      let worst = 0;
      got.forEach((v, k) => (worst = Math.max(worst, Math.abs(v - expected[k]!))));
      expect(worst, name).toBeLessThanOrEqual(Math.max(1e-4 * scale, 1e-7));
    }
    expect(trainer.parameters.size).toBe(reference.gradients.size);
    // Three prompts of two images (image 0 twice): the vision tower runs on two; the same as the three rows tiled.
    const two = pixels.slice(0, 2 * 3 * side * side);
    const tiled = Float32Array.from([...two.slice(0, 3 * side * side), ...two.slice(3 * side * side), ...two.slice(0, 3 * side * side)]);
    const shared = await trainer.step({ pixelValues: createTensor('float32', [2, 3, side, side], two), imageOf: [0, 1, 0], inputIds: createTensor('int64', [B, 5], ids.flat()), targets });
    const rows = await trainer.step({ pixelValues: createTensor('float32', [3, 3, side, side], tiled), inputIds: createTensor('int64', [B, 5], ids.flat()), targets });
    expect(shared.loss).toBeCloseTo(rows.loss, 7);
    for (const [name, expected] of rows.gradients) {
      const scale = expected.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      const got = shared.gradients.get(name)!;
      let worst = 0;
      got.forEach((v, k) => (worst = Math.max(worst, Math.abs(v - expected[k]!))));
      expect(worst, name).toBeLessThanOrEqual(Math.max(1e-5 * scale, 1e-8));
    }
    await expect(trainer.step({ pixelValues: createTensor('float32', [2, 3, side, side], two), imageOf: [0, 2, 0], inputIds: createTensor('int64', [B, 5], ids.flat()), targets })).rejects.toMatchObject({ code: 'TRAINING_INVALID_INPUT' });
    await trainer.dispose();
    await reader.close();
  }, 60_000);
});

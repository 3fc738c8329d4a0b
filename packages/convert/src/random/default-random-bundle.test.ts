import { bytesSource, clipsegPreset, openSafetensors, sha256Hex } from '@clipseg/core';
import { describe, expect, it } from 'vitest';
import { expectedParameters } from '../graphs/expected-parameters.js';
import { DEFAULT_RANDOM_RECIPE, defaultRandomBundle, randomCheckpointFiles } from './default-random-bundle.js';
import { initRandomCheckpoint } from './init-random.js';

describe('randomCheckpointFiles', () => {
  it('holds the small files and the weights joined into one model.safetensors', async () => {
    const checkpoint = initRandomCheckpoint('tiny', { seed: 3 });
    const small = Object.keys(checkpoint.files);
    const files = randomCheckpointFiles(checkpoint);
    expect(Object.keys(files).sort()).toEqual([...small, 'model.safetensors'].sort());
    expect(files['model.safetensors']).toHaveLength(checkpoint.weightBytes);
    const reader = await openSafetensors(bytesSource(files['model.safetensors']!));
    expect(reader.names.sort()).toEqual([...expectedParameters(clipsegPreset('tiny')).keys()].sort());
  });
});

describe('defaultRandomBundle', () => {
  it('follows DEFAULT_RANDOM_RECIPE: a tiny random checkpoint, seed 0, fp32', () => {
    // The CLI's cache folder name (default-tiny-random-v1) stands for this recipe: change both together.
    expect(DEFAULT_RANDOM_RECIPE).toEqual({ preset: 'tiny', seed: 0, dtype: 'fp32' });
    expect(Object.isFrozen(DEFAULT_RANDOM_RECIPE)).toBe(true);
  });

  it('builds the same bundle every time, hashed with the given sha256', async () => {
    const hashed: number[] = [];
    const a = await defaultRandomBundle({ sha256: (data) => (hashed.push(data.byteLength), sha256Hex(data)) });
    const b = await defaultRandomBundle();
    expect(hashed.length).toBeGreaterThan(0);
    expect(a.manifest.dtype).toBe('fp32');
    expect([...a.files.keys()].sort()).toEqual([...b.files.keys()].sort());
    for (const [name, bytes] of a.files) expect(sha256Hex(bytes), name).toBe(sha256Hex(b.files.get(name)!));
  });

  it('is converted from the seed-0 tiny checkpoint (its manifest lists the source files)', async () => {
    const { manifest } = await defaultRandomBundle();
    const seed0 = randomCheckpointFiles(initRandomCheckpoint('tiny', { seed: 0 }));
    const seed1 = randomCheckpointFiles(initRandomCheckpoint('tiny', { seed: 1 }));
    expect(manifest.source.files.map((f) => f.path).sort()).toEqual(['config.json', 'model.safetensors']);
    for (const f of manifest.source.files) expect(f.sha256, f.path).toBe(sha256Hex(seed0[f.path]!));
    expect(sha256Hex(seed1['model.safetensors']!)).not.toBe(sha256Hex(seed0['model.safetensors']!));
  });

  it('stops with CONVERT_ABORTED when the signal is aborted', async () => {
    await expect(defaultRandomBundle({ signal: { aborted: true } })).rejects.toMatchObject({ code: 'CONVERT_ABORTED' });
  });
});

import { join } from 'node:path';
import { createTensor } from '@clipseg/core';
import { describe, expect, it } from 'vitest';
import { FIXTURES, compare, openSafetensorsFile } from '../../test/golden-files.js';
import { logitsToMasks } from './logits.js';
import { resizeMask } from './resize-mask.js';

// test/fixtures/torch-bilinear.safetensors: PyTorch 1.13 interpolate(bilinear, align_corners=False) and sigmoid.
describe('resizeMask and logitsToMasks against PyTorch 1.13', async () => {
  const reader = await openSafetensorsFile(join(FIXTURES, 'torch-bilinear.safetensors'));
  const cases = JSON.parse(reader.metadata!.cases!) as { height: number; width: number }[];
  const logits = await reader.readFloat32('logits');
  const [n, h, w] = reader.info('logits').shape as [number, number, number];

  it.each(cases.map((c) => [`${c.height}x${c.width}`, c] as const))('resize to %s is bit-exact', async (_name, size) => {
    const expected = await reader.readFloat32(`resized.${size.height}x${size.width}`);
    for (let i = 0; i < n; i++) {
      const map = { width: w, height: h, data: logits.subarray(i * w * h, (i + 1) * w * h) };
      const out = resizeMask(map, size);
      const plane = size.width * size.height;
      expect(compare(out.data, expected.subarray(i * plane, (i + 1) * plane))).toEqual({ maxDiff: 0, differing: 0 });
    }
  });

  it.each(cases.map((c) => [`${c.height}x${c.width}`, c] as const))('logitsToMasks to %s: within 1 ulp of torch.sigmoid', async (_name, size) => {
    const expected = await reader.readFloat32(`sigmoid.${size.height}x${size.width}`);
    const masks = logitsToMasks(createTensor('float32', [n, h, w], logits), { size });
    expect(masks).toHaveLength(n);
    const plane = size.width * size.height;
    masks.forEach((mask, i) => {
      expect([mask.width, mask.height]).toEqual([size.width, size.height]);
      expect(compare(mask.data, expected.subarray(i * plane, (i + 1) * plane)).maxDiff).toBeLessThanOrEqual(6e-8);
    });
  });
});

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PilResample } from '@clipseg/core';
import { FIXTURES, compare, openSafetensorsFile } from '../../test/golden-files.js';
import type { ImageChannels } from '../image/raster-image.js';
import { resizeImage } from './resize-image.js';
import type { ResizeBox } from './resize-image.js';

interface Case {
  key: string;
  input: string;
  resample: PilResample;
  size: [number, number];
  box?: ResizeBox;
}

// test/fixtures/pillow-resize.safetensors: Pillow 9.4.0 Image.resize outputs (make-fixtures.py).
describe('resizeImage reproduces Pillow 9.4 Image.resize byte for byte', async () => {
  const reader = await openSafetensorsFile(join(FIXTURES, 'pillow-resize.safetensors'));
  const cases = JSON.parse(reader.metadata!.cases!) as Case[];

  it('has cases for every filter, downscale, upscale, one-axis, identity and box resizes', () => {
    expect(new Set(cases.map((c) => c.resample))).toEqual(new Set([0, 1, 2, 3, 4, 5]));
    expect(cases.length).toBeGreaterThan(90);
  });

  it.each(cases.map((c) => [c.key, c] as const))('%s', async (_key, c) => {
    const input = await reader.read(c.input);
    const [h, w] = input.dims as [number, number];
    const channels = (input.dims[2] ?? 1) as ImageChannels;
    const expected = await reader.read(c.key);
    const out = resizeImage(
      { width: w, height: h, channels, data: input.data as Uint8Array },
      { width: c.size[0], height: c.size[1] },
      { resample: c.resample, ...(c.box ? { box: c.box } : {}) },
    );
    expect([out.width, out.height, out.channels]).toEqual([c.size[0], c.size[1], channels]);
    expect(compare(out.data, expected.data as Uint8Array)).toEqual({ maxDiff: 0, differing: 0 });
  });
});

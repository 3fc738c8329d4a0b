import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../../test/golden-files.js';
import { ProcessorError } from '../errors.js';
import type { RasterImage } from '../image/raster-image.js';
import { colormapIndex, colormapTable } from './colormaps.js';
import type { ColormapName } from './colormaps.js';
import { maskToHeatmap, overlayHeatmap, overlayMask } from './heatmap.js';
import { cutoutImage, maskToGray, maskToRgba } from './mask-image.js';

// test/fixtures/colormaps.json: matplotlib 3.6 `colormaps[name](np.arange(256) / 255, bytes=True)[:, :3]`.
const reference = JSON.parse(readFileSync(join(FIXTURES, 'colormaps.json'), 'utf8')) as Record<'viridis' | 'jet', number[][]>;

describe('colormaps', () => {
  it.each(['viridis', 'jet'] as const)('%s agrees with matplotlib for v = i / 255', (name) => {
    const table = colormapTable(name);
    reference[name].forEach((rgb, i) => {
      const t = 3 * colormapIndex(i / 255);
      expect([table[t], table[t + 1], table[t + 2]]).toEqual(rgb);
    });
  });

  it('indexes like matplotlib: floor(v · 256) clamped to 0–255, NaN → 0', () => {
    expect([0, 0.5, 0.999, 1, 2, -1, NaN].map(colormapIndex)).toEqual([0, 128, 255, 255, 255, 0, 0]);
    expect([...colormapTable('gray').subarray(3 * 77, 3 * 78)]).toEqual([77, 77, 77]);
    expect(() => colormapTable('hot' as ColormapName)).toThrow(ProcessorError);
  });
});

describe('heatmaps, overlays and mask images', () => {
  const image: RasterImage = { width: 2, height: 1, channels: 3, data: new Uint8Array([100, 100, 100, 0, 0, 0]) };
  const mask = { width: 2, height: 1, data: new Float32Array([0, 1]) };

  it('maskToHeatmap colours each value', () => {
    const heat = maskToHeatmap(mask);
    expect([heat.channels, ...heat.data]).toEqual([3, 68, 1, 84, 253, 231, 36]);
    expect([...maskToHeatmap(mask, { colormap: 'jet' }).data]).toEqual([...reference.jet[0]!, ...reference.jet[255]!]);
  });

  it('overlayHeatmap blends at constant alpha; overlayMask paints the colour where the mask is', () => {
    const blended = overlayHeatmap(image, mask, { alpha: 0.5 });
    expect([...blended.data]).toEqual([84, 51, 92, 255, 127, 116, 18, 255]);
    const painted = overlayMask(image, mask, { color: [0, 255, 0], alpha: 0.5 });
    expect([...painted.data]).toEqual([100, 100, 100, 255, 0, 128, 0, 255]);
    expect([...overlayMask(image, { width: 2, height: 1, data: new Uint8Array([1, 0]) }).data]).toEqual([178, 50, 50, 255, 0, 0, 0, 255]);
  });

  it('maskToGray / maskToRgba / cutoutImage give PNG-ready 8-bit buffers', () => {
    expect([...maskToGray({ width: 3, height: 1, data: new Uint8Array([0, 1, 1]) }).data]).toEqual([0, 255, 255]);
    expect([...maskToGray({ width: 3, height: 1, data: new Float32Array([-1, 0.5, 2]) }).data]).toEqual([0, 128, 255]);
    const rgba = maskToRgba({ width: 2, height: 1, data: new Uint8Array([0, 1]) }, { foreground: [255, 0, 0, 200] });
    expect([rgba.channels, ...rgba.data]).toEqual([4, 0, 0, 0, 0, 255, 0, 0, 200]);
    expect([...maskToRgba(mask, { background: [0, 0, 0, 255] }).data]).toEqual([0, 0, 0, 255, 255, 255, 255, 255]);
    expect([...cutoutImage(image, mask).data]).toEqual([100, 100, 100, 0, 0, 0, 0, 255]);
  });

  it('throws typed errors for size mismatches and bad options', () => {
    const other = { width: 1, height: 1, data: new Float32Array(1) };
    expect(() => overlayMask(image, other)).toThrow(expect.objectContaining({ code: 'PROCESSOR_SIZE_MISMATCH' }) as unknown as Error);
    expect(() => overlayHeatmap(image, other)).toThrow(ProcessorError);
    expect(() => cutoutImage(image, other)).toThrow(ProcessorError);
    expect(() => overlayMask(image, mask, { alpha: 2 })).toThrow(ProcessorError);
    expect(() => overlayMask(image, mask, { color: [0, 0, 256] })).toThrow(ProcessorError);
    expect(() => maskToRgba(mask, { foreground: [0, 0, 0] as never })).toThrow(ProcessorError);
  });
});

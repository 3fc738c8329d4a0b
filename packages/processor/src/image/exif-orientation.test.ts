import { describe, expect, it } from 'vitest';
import { ProcessorError } from '../errors.js';
import { applyExifOrientation } from './exif-orientation.js';
import type { ExifOrientation } from './exif-orientation.js';
import type { RasterImage } from './raster-image.js';

// A 3 × 2 gray image [[0, 1, 2], [3, 4, 5]]; expectations from Pillow 9.4's Image.transpose, which
// ImageOps.exif_transpose applies: 2 FLIP_LEFT_RIGHT, 3 ROTATE_180, 4 FLIP_TOP_BOTTOM, 5 TRANSPOSE,
// 6 ROTATE_270, 7 TRANSVERSE, 8 ROTATE_90.
const image: RasterImage = { width: 3, height: 2, channels: 1, data: new Uint8Array([0, 1, 2, 3, 4, 5]) };
const expected: Record<ExifOrientation, number[][]> = {
  1: [
    [0, 1, 2],
    [3, 4, 5],
  ],
  2: [
    [2, 1, 0],
    [5, 4, 3],
  ],
  3: [
    [5, 4, 3],
    [2, 1, 0],
  ],
  4: [
    [3, 4, 5],
    [0, 1, 2],
  ],
  5: [
    [0, 3],
    [1, 4],
    [2, 5],
  ],
  6: [
    [3, 0],
    [4, 1],
    [5, 2],
  ],
  7: [
    [5, 2],
    [4, 1],
    [3, 0],
  ],
  8: [
    [2, 5],
    [1, 4],
    [0, 3],
  ],
};

describe('applyExifOrientation', () => {
  it.each(Object.entries(expected))('orientation %s matches Pillow', (key, rows) => {
    const out = applyExifOrientation(image, Number(key) as ExifOrientation);
    expect([out.width, out.height]).toEqual([rows[0]!.length, rows.length]);
    expect([...out.data]).toEqual(rows.flat());
  });

  it('moves whole pixels of multi-channel and 16-bit images', () => {
    const rgb16: RasterImage = { width: 2, height: 1, channels: 3, data: new Uint16Array([1, 2, 3, 400, 500, 600]) };
    const out = applyExifOrientation(rgb16, 6);
    expect(out.data).toBeInstanceOf(Uint16Array);
    expect([out.width, out.height, ...out.data]).toEqual([1, 2, 1, 2, 3, 400, 500, 600]);
    expect([...applyExifOrientation(rgb16, 2).data]).toEqual([400, 500, 600, 1, 2, 3]);
  });

  it('returns the input for orientation 1 and rejects values outside 1–8', () => {
    expect(applyExifOrientation(image, 1)).toBe(image);
    for (const bad of [0, 9, 2.5, NaN]) {
      expect(() => applyExifOrientation(image, bad as ExifOrientation)).toThrow(ProcessorError);
    }
  });
});

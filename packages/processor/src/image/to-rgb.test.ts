import { describe, expect, it } from 'vitest';
import { ProcessorError } from '../errors.js';
import type { RasterImage } from './raster-image.js';
import { toRgb } from './to-rgb.js';

// Expected values were produced with Pillow 9.4.0 (`Image.convert('RGB')`), see the package README.
describe("toRgb reproduces Pillow's convert('RGB')", () => {
  it('returns 8-bit RGB images unchanged (same object)', () => {
    const image: RasterImage = { width: 1, height: 1, channels: 3, data: new Uint8Array([1, 2, 3]) };
    expect(toRgb(image)).toBe(image);
  });

  it('replicates gray and drops alpha without compositing', () => {
    expect([...toRgb({ width: 2, height: 1, channels: 1, data: new Uint8Array([7, 250]) }).data]).toEqual([7, 7, 7, 250, 250, 250]);
    // Pillow: LA [[10,20],[200,0]] -> [[10,10,10],[200,200,200]]
    expect([...toRgb({ width: 2, height: 1, channels: 2, data: new Uint8Array([10, 20, 200, 0]) }).data]).toEqual([10, 10, 10, 200, 200, 200]);
    // Pillow: RGBA [[10,20,30,0],[200,100,50,128]] -> [[10,20,30],[200,100,50]]
    const rgba = toRgb({ width: 2, height: 1, channels: 4, data: new Uint8Array([10, 20, 30, 0, 200, 100, 50, 128]) });
    expect([rgba.width, rgba.height, rgba.channels, ...rgba.data]).toEqual([2, 1, 3, 10, 20, 30, 200, 100, 50]);
  });

  it('expands palettes; indices past the palette are the gray (i, i, i) as in Pillow', () => {
    const palette = new Uint8Array([1, 2, 3, 4, 5, 6]);
    const p = toRgb({ width: 3, height: 1, channels: 1, data: new Uint8Array([1, 0, 200]), palette });
    expect([...p.data]).toEqual([4, 5, 6, 1, 2, 3, 200, 200, 200]);
    const pa = toRgb({ width: 1, height: 1, channels: 2, data: new Uint8Array([1, 99]), palette });
    expect([...pa.data]).toEqual([4, 5, 6]);
  });

  it('clips 16-bit gray to 255 (I;16 -> L), it does not scale', () => {
    // Pillow: I;16 [0, 100, 255, 256, 1000, 65535] -> L [0, 100, 255, 255, 255, 255]
    const out = toRgb({ width: 6, height: 1, channels: 1, data: new Uint16Array([0, 100, 255, 256, 1000, 65535]), bitDepth: 16 });
    expect([...out.data].filter((_, i) => i % 3 === 0)).toEqual([0, 100, 255, 255, 255, 255]);
  });

  it('keeps the high byte of 16-bit colour samples, as Pillow decodes 16-bit RGB/RGBA/LA PNGs', () => {
    // Pillow: RGB;16B (0x1234, 0xff01, 0x00ff) -> (18, 255, 0); LA;16B (0x1234, a) -> (18, 18, 18)
    expect([...toRgb({ width: 1, height: 1, channels: 3, data: new Uint16Array([0x1234, 0xff01, 0x00ff]) }).data]).toEqual([18, 255, 0]);
    expect([...toRgb({ width: 1, height: 1, channels: 4, data: new Uint16Array([0x1234, 0xff01, 0x00ff, 0x7777]) }).data]).toEqual([18, 255, 0]);
    expect([...toRgb({ width: 1, height: 1, channels: 2, data: new Uint16Array([0x1234, 0x80ff]) }).data]).toEqual([18, 18, 18]);
  });

  it('throws typed errors for empty and malformed images', () => {
    expect(() => toRgb({ width: 0, height: 0, channels: 3, data: new Uint8Array(0) })).toThrow(
      expect.objectContaining({ code: 'PROCESSOR_EMPTY_IMAGE' }) as unknown as ProcessorError,
    );
    expect(() => toRgb({ width: 2, height: 2, channels: 3, data: new Uint8Array(3) })).toThrow(ProcessorError);
  });
});

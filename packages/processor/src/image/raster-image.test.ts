import { describe, expect, it } from 'vitest';
import { isCLIPSegError } from '@clipseg/core';
import { ProcessorError } from '../errors.js';
import { bitDepthOf, checkRasterImage, checkRasterImage8, checkRgbImage, createRasterImage } from './raster-image.js';
import type { RasterImage } from './raster-image.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ProcessorError);
    return (error as ProcessorError).code;
  }
  return undefined;
}

describe('RasterImage checks', () => {
  it('accepts well-formed images of every channel count and both depths', () => {
    for (const channels of [1, 2, 3, 4] as const) {
      expect(() => checkRasterImage({ width: 3, height: 2, channels, data: new Uint8Array(6 * channels) })).not.toThrow();
      expect(() => checkRasterImage({ width: 3, height: 2, channels, data: new Uint16Array(6 * channels), bitDepth: 16 })).not.toThrow();
    }
    expect(bitDepthOf({ width: 1, height: 1, channels: 1, data: new Uint16Array(1) })).toBe(16);
    expect(bitDepthOf(createRasterImage(1, 1, 3))).toBe(8);
  });

  it('rejects zero-size images with PROCESSOR_EMPTY_IMAGE', () => {
    expect(codeOf(() => checkRasterImage({ width: 0, height: 5, channels: 3, data: new Uint8Array(0) }))).toBe('PROCESSOR_EMPTY_IMAGE');
    expect(codeOf(() => createRasterImage(4, 0, 1))).toBe('PROCESSOR_EMPTY_IMAGE');
  });

  it('rejects malformed images with PROCESSOR_INVALID_IMAGE', () => {
    const bad: unknown[] = [
      null,
      { width: 1.5, height: 2, channels: 3, data: new Uint8Array(9) },
      { width: -1, height: 2, channels: 3, data: new Uint8Array(0) },
      { width: 2, height: 2, channels: 5, data: new Uint8Array(20) },
      { width: 2, height: 2, channels: 3, data: new Uint8Array(11) },
      { width: 2, height: 2, channels: 3, data: new Float32Array(12) },
      { width: 2, height: 2, channels: 3, data: new Uint8Array(12), bitDepth: 16 },
      { width: 2, height: 2, channels: 1, data: new Uint8Array(4), palette: new Uint8Array(4) },
      { width: 2, height: 2, channels: 3, data: new Uint8Array(12), palette: new Uint8Array(6) },
      { width: 2, height: 2, channels: 1, data: new Uint16Array(4), palette: new Uint8Array(6) },
      { width: 2, height: 2, channels: 1, data: new Uint8Array(4), palette: new Uint8Array(769 * 3) },
    ];
    for (const image of bad) expect(codeOf(() => checkRasterImage(image as RasterImage))).toBe('PROCESSOR_INVALID_IMAGE');
  });

  it('8-bit and RGB checks explain how to convert', () => {
    const gray16: RasterImage = { width: 1, height: 1, channels: 1, data: new Uint16Array(1) };
    expect(codeOf(() => checkRasterImage8(gray16))).toBe('PROCESSOR_UNSUPPORTED');
    expect(codeOf(() => checkRgbImage(createRasterImage(1, 1, 4)))).toBe('PROCESSOR_UNSUPPORTED');
    expect(codeOf(() => checkRgbImage({ ...createRasterImage(1, 1, 1), palette: new Uint8Array(3) }))).toBe('PROCESSOR_UNSUPPORTED');
    try {
      checkRgbImage(createRasterImage(1, 1, 4));
    } catch (error) {
      expect(isCLIPSegError(error, 'PROCESSOR_UNSUPPORTED')).toBe(true);
      expect((error as Error).message).toContain('toRgb()');
      expect((error as Error).name).toBe('ProcessorError');
    }
  });
});

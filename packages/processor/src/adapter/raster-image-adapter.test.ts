import { ViTImageProcessorConfig } from '@clipseg/core';
import { describe, expect, it } from 'vitest';
import { preprocess } from '../preprocess/preprocess.js';
import type { RasterImage } from '../image/raster-image.js';
import { maskFromImage, rasterImageAdapter, visualPromptOptions } from './raster-image-adapter.js';

function gradient(width: number, height: number): RasterImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7) % 256;
  return { width, height, channels: 3, data };
}

describe('rasterImageAdapter', () => {
  it('preprocesses exactly like preprocess() and reports sizes', () => {
    const config = ViTImageProcessorConfig.fromJSON({ size: { height: 32, width: 32 } });
    const image = gradient(50, 40);
    expect(rasterImageAdapter.preprocess([image], config)).toEqual(preprocess([image], config));
    expect(rasterImageAdapter.size(image)).toEqual({ width: 50, height: 40 });
  });

  it('maps every core visual-prompt mode onto crop / blur / darken', () => {
    expect(visualPromptOptions('crop')).toEqual({ crop: { margin: 0.1 } });
    expect(visualPromptOptions('darken')).toEqual({ darken: 0.1 });
    expect(visualPromptOptions('crop-blur-darken')).toEqual({ crop: { margin: 0.1 }, blur: 5, darken: 0.1 });
  });

  it('engineers from a box or a mask image (white = object)', async () => {
    const image = gradient(40, 30);
    const cropped = await rasterImageAdapter.engineer!(image, { box: { x: 10, y: 5, width: 20, height: 10 }, mode: 'crop' });
    expect(cropped.width).toBeLessThan(40);
    expect(cropped.height).toBeLessThan(30);
    const maskImage: RasterImage = { width: 40, height: 30, channels: 1, data: new Uint8Array(40 * 30) };
    for (let y = 5; y < 15; y++) for (let x = 10; x < 30; x++) (maskImage.data as Uint8Array)[y * 40 + x] = 255;
    expect(maskFromImage(maskImage).data.reduce((a, b) => a + b, 0)).toBe(200);
    const fromMask = await rasterImageAdapter.engineer!(image, { mask: maskImage, mode: 'crop' });
    expect(fromMask).toEqual(cropped);
    await expect(async () => rasterImageAdapter.engineer!(image, { mask: { width: 40, height: 30, data: new Float32Array(1200) }, mode: 'darken' })).rejects.toThrow(/soft mask/);
  });
});

import { describe, expect, it } from 'vitest';
import { ProcessorError } from '../errors.js';
import type { RasterImage } from '../image/raster-image.js';
import type { BinaryMask } from '../mask/mask.js';
import { boxToMask, clipBox, cropImage, maskBoundingBox } from './pixel-box.js';
import { BEST_VISUAL_PROMPT, visualPrompt } from './visual-prompt.js';

/** 20 × 10 RGB image whose red channel is x * 10 and green channel y * 10, blue 200. */
const image: RasterImage = (() => {
  const data = new Uint8Array(20 * 10 * 3);
  for (let y = 0; y < 10; y++) for (let x = 0; x < 20; x++) data.set([x * 10, y * 10, 200], (y * 20 + x) * 3);
  return { width: 20, height: 10, channels: 3, data };
})();
const pixel = (img: RasterImage, x: number, y: number): number[] => [...img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3)];
const object = { x: 5, y: 2, width: 10, height: 5 };

describe('pixel boxes', () => {
  it('finds bounding boxes, builds box masks and crops', () => {
    const mask = boxToMask(20, 10, object);
    expect(mask.data.reduce((a, b) => a + b, 0)).toBe(50);
    expect(maskBoundingBox(mask)).toEqual(object);
    expect(maskBoundingBox({ width: 2, height: 2, data: new Uint8Array(4) })).toBeUndefined();
    const crop = cropImage(image, object);
    expect([crop.width, crop.height]).toEqual([10, 5]);
    expect(pixel(crop, 0, 0)).toEqual([50, 20, 200]);
    expect(clipBox({ x: -3, y: 8, width: 5, height: 10 }, 20, 10)).toEqual({ x: 0, y: 8, width: 2, height: 2 });
    expect(() => clipBox({ x: 30, y: 0, width: 5, height: 5 }, 20, 10)).toThrow(expect.objectContaining({ code: 'PROCESSOR_EMPTY_MASK' }) as unknown as Error);
    expect(() => clipBox({ x: 0.5, y: 0, width: 5, height: 5 }, 20, 10)).toThrow(expect.objectContaining({ code: 'PROCESSOR_INVALID_ARGUMENT' }) as unknown as Error);
  });
});

describe('visualPrompt (CLIPSeg visual prompt engineering)', () => {
  it('without options returns an RGB copy', () => {
    const out = visualPrompt(image, object);
    expect(out.data).not.toBe(image.data);
    expect([...out.data]).toEqual([...image.data]);
  });

  it('darkens only the background', () => {
    const out = visualPrompt(image, object, { darken: 0.1 });
    expect(pixel(out, 0, 0)).toEqual([0, 0, 20]);
    expect(pixel(out, 19, 9)).toEqual([19, 9, 20]);
    expect(pixel(out, 5, 2)).toEqual([50, 20, 200]);
    expect(pixel(out, 14, 6)).toEqual([140, 60, 200]);
  });

  it('blurs only the background', () => {
    const mask: BinaryMask = boxToMask(20, 10, object);
    const out = visualPrompt(image, mask, { blur: 1 });
    expect(pixel(out, 7, 4)).toEqual(pixel(image, 7, 4));
    expect(pixel(out, 0, 0)).not.toEqual(pixel(image, 0, 0));
    // a linear ramp stays linear under a symmetric blur away from the borders (radius 3 here)
    expect(pixel(out, 16, 5)).toEqual([160, 50, 200]);
  });

  it('crops to the object with a context margin (fraction of the box), clipped to the image', () => {
    const tight = visualPrompt(image, object, { crop: { margin: 0 } });
    expect([tight.width, tight.height, ...pixel(tight, 0, 0)]).toEqual([10, 5, 50, 20, 200]);
    const margin = visualPrompt(image, object, { crop: true });
    expect([margin.width, margin.height, ...pixel(margin, 0, 0)]).toEqual([12, 7, 40, 10, 200]);
    const square = visualPrompt(image, object, { crop: { margin: 0, square: true } });
    expect([square.width, square.height]).toEqual([10, 10]);
    const wide = visualPrompt(image, { x: 0, y: 0, width: 20, height: 10 }, { crop: { margin: 0.5 } });
    expect([wide.width, wide.height]).toEqual([20, 10]);
  });

  it('combines crop, blur and darken (the paper’s best variant)', () => {
    const out = visualPrompt(image, object, BEST_VISUAL_PROMPT);
    expect([out.width, out.height]).toEqual([12, 7]);
    expect(pixel(out, 1, 1)).toEqual([50, 20, 200]);
    expect(pixel(out, 0, 0)[2]).toBe(20);
  });

  it('accepts any image kind and throws typed errors', () => {
    const gray: RasterImage = { width: 4, height: 4, channels: 1, data: new Uint8Array(16).fill(100) };
    expect(visualPrompt(gray, { x: 1, y: 1, width: 2, height: 2 }, { darken: 0.5 }).channels).toBe(3);
    const code = (fn: () => unknown): string => {
      try {
        fn();
      } catch (error) {
        expect(error).toBeInstanceOf(ProcessorError);
        return (error as ProcessorError).code;
      }
      return 'none';
    };
    expect(code(() => visualPrompt(image, { width: 20, height: 10, data: new Uint8Array(200) }))).toBe('PROCESSOR_EMPTY_MASK');
    expect(code(() => visualPrompt(image, { width: 2, height: 2, data: new Uint8Array(4).fill(1) }))).toBe('PROCESSOR_SIZE_MISMATCH');
    expect(code(() => visualPrompt(image, { width: 20, height: 10, data: new Float32Array(200) } as never))).toBe('PROCESSOR_INVALID_ARGUMENT');
    expect(code(() => visualPrompt(image, object, { darken: 1.5 }))).toBe('PROCESSOR_INVALID_ARGUMENT');
    expect(code(() => visualPrompt(image, object, { blur: -1 }))).toBe('PROCESSOR_INVALID_ARGUMENT');
    expect(code(() => visualPrompt(image, object, { crop: { margin: -0.1 } }))).toBe('PROCESSOR_INVALID_ARGUMENT');
  });
});

import { bitDepthOf, checkRasterImage, toRgb, type RasterImage } from '@clipseg/processor';
import { createSurface } from './canvas-surface.js';
import { WebImageError } from './web-image-error.js';

/** RGBA samples of `image`: alpha kept from RGBA and gray+alpha images, 255 otherwise (palette and 16-bit via `toRgb`). */
function rgbaOf(image: RasterImage): Uint8ClampedArray<ArrayBuffer> {
  checkRasterImage(image);
  const n = image.width * image.height;
  const out = new Uint8ClampedArray(n * 4);
  const plain = bitDepthOf(image) === 8 && image.palette === undefined;
  if (plain && image.channels === 4) {
    out.set(image.data);
    return out;
  }
  if (plain && image.channels === 2) {
    for (let i = 0; i < n; i++) {
      const g = image.data[i * 2]!;
      out[i * 4] = out[i * 4 + 1] = out[i * 4 + 2] = g;
      out[i * 4 + 3] = image.data[i * 2 + 1]!;
    }
    return out;
  }
  const rgb = toRgb(image).data;
  for (let i = 0; i < n; i++) {
    out[i * 4] = rgb[i * 3]!;
    out[i * 4 + 1] = rgb[i * 3 + 1]!;
    out[i * 4 + 2] = rgb[i * 3 + 2]!;
    out[i * 4 + 3] = 255;
  }
  return out;
}

/**
 * An `ImageData` of `image` (RGB, gray, palette, 16-bit or with alpha; for masks use `maskToGray`,
 * `maskToRgba` or `overlayMask` from `@clipseg/processor` first).
 *
 * @example
 * ```ts
 * context.putImageData(toImageData(overlayMask(photo, masks[0])), 0, 0);
 * ```
 */
export function toImageData(image: RasterImage): ImageData {
  const ctor = (globalThis as { ImageData?: typeof ImageData }).ImageData;
  if (ctor === undefined) throw new WebImageError('WEB_IMAGE_NO_CANVAS', 'ImageData is not available in this context.');
  return new ctor(rgbaOf(image), image.width, image.height);
}

/**
 * Draws `image` on a canvas of its size: the given one (resized to fit), or a new `OffscreenCanvas`
 * (a `<canvas>` where `OffscreenCanvas` is missing).
 */
export function toCanvas<C extends HTMLCanvasElement | OffscreenCanvas>(image: RasterImage, canvas?: C): C {
  const data = toImageData(image);
  if (canvas === undefined) {
    const surface = createSurface(image.width, image.height);
    surface.context.putImageData(data, 0, 0);
    return surface.canvas as C;
  }
  canvas.width = image.width;
  canvas.height = image.height;
  const context = canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
  if (context === null) throw new WebImageError('WEB_IMAGE_NO_CANVAS', 'The canvas refused a 2D context (it may already have a WebGL one).');
  context.putImageData(data, 0, 0);
  return canvas;
}

/**
 * Encodes `image` as a PNG `Blob` through the browser's encoder. Exact for opaque images; for pixels with
 * 0 < alpha < 255 the canvas' premultiplied storage may round colour samples by a step.
 */
export async function encodePng(image: RasterImage): Promise<Blob> {
  const canvas = toCanvas(image);
  if ('convertToBlob' in canvas) return canvas.convertToBlob({ type: 'image/png' });
  return new Promise<Blob>((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new WebImageError('WEB_IMAGE_UNREADABLE', 'The browser could not encode the PNG.'))), 'image/png'),
  );
}

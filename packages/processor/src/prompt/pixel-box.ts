import { ProcessorError } from '../errors.js';
import { checkMask, isBinaryMask } from '../mask/mask.js';
import type { BinaryMask } from '../mask/mask.js';
import { checkRasterImage } from '../image/raster-image.js';
import type { RasterImage } from '../image/raster-image.js';

/** An axis-aligned pixel rectangle: columns `[x, x + width)`, rows `[y, y + height)`, integers. */
export interface PixelBox {
  /** First column. */
  readonly x: number;
  /** First row. */
  readonly y: number;
  /** Columns. */
  readonly width: number;
  /** Rows. */
  readonly height: number;
}

/**
 * Checks a box and clips it to a `width × height` image.
 * @throws {@link ProcessorError} `PROCESSOR_INVALID_ARGUMENT` for non-integer fields or a negative size,
 *   `PROCESSOR_EMPTY_MASK` when nothing of it lies inside the image
 */
export function clipBox(box: PixelBox, width: number, height: number): PixelBox {
  const fields = [box?.x, box?.y, box?.width, box?.height];
  if (!fields.every((v) => Number.isSafeInteger(v)) || box.width < 0 || box.height < 0) {
    throw new ProcessorError('PROCESSOR_INVALID_ARGUMENT', `A box needs integer x, y and non-negative width, height; got ${JSON.stringify(box)}.`);
  }
  const x0 = Math.max(0, box.x);
  const y0 = Math.max(0, box.y);
  const x1 = Math.min(width, box.x + box.width);
  const y1 = Math.min(height, box.y + box.height);
  if (x1 <= x0 || y1 <= y0) {
    throw new ProcessorError('PROCESSOR_EMPTY_MASK', `Box ${JSON.stringify(box)} covers no pixel of the ${width} × ${height} image.`);
  }
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/**
 * The smallest box holding every foreground pixel of a binary mask, or `undefined` when the mask is empty.
 * @throws {@link ProcessorError} `PROCESSOR_INVALID_ARGUMENT` for a soft mask, and as {@link checkMask}
 */
export function maskBoundingBox(mask: BinaryMask): PixelBox | undefined {
  checkMask(mask);
  if (!isBinaryMask(mask)) throw new ProcessorError('PROCESSOR_INVALID_ARGUMENT', 'maskBoundingBox needs a binary mask; threshold it first (thresholdMask).');
  const { width, height, data } = mask;
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (data[y * width + x] !== 1) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      y1 = y;
    }
  }
  return x1 < 0 ? undefined : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/**
 * A binary mask of a `width × height` image that is 1 inside `box` (clipped to the image).
 * @throws {@link ProcessorError} as {@link clipBox}
 */
export function boxToMask(width: number, height: number, box: PixelBox): BinaryMask {
  const data = new Uint8Array(width * height);
  const b = clipBox(box, width, height);
  for (let y = b.y; y < b.y + b.height; y++) data.fill(1, y * width + b.x, y * width + b.x + b.width);
  return { width, height, data };
}

/**
 * Copies the pixels of `box` (clipped to the image) out of an image; channels, bit depth and palette are kept.
 * @throws {@link ProcessorError} as {@link clipBox} and {@link checkRasterImage}
 */
export function cropImage<T extends RasterImage>(image: T, box: PixelBox): T {
  checkRasterImage(image);
  const b = clipBox(box, image.width, image.height);
  const c = image.channels;
  const src = image.data;
  const out = new (src.constructor as new (n: number) => Uint8Array | Uint16Array)(b.width * b.height * c);
  for (let y = 0; y < b.height; y++) {
    const from = ((b.y + y) * image.width + b.x) * c;
    out.set(src.subarray(from, from + b.width * c), y * b.width * c);
  }
  return { ...image, width: b.width, height: b.height, data: out };
}

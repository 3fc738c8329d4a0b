import { ProcessorError } from '../errors.js';
import { checkRasterImage } from './raster-image.js';
import type { RasterImage } from './raster-image.js';

/** An EXIF `Orientation` tag value (0x0112): 1 is upright, 2–8 are the mirrored and rotated variants. */
export type ExifOrientation = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

/**
 * Returns the image as it should be displayed given its EXIF `Orientation`, like Pillow's
 * `ImageOps.exif_transpose`: 2 mirror left–right, 3 rotate 180°, 4 mirror top–bottom, 5 transpose (swap axes),
 * 6 rotate 90° clockwise, 7 transverse, 8 rotate 90° counter-clockwise. 5–8 swap width and height.
 *
 * HF's image processors do **not** apply EXIF orientation (the golden data was made without it), so call this only
 * when you want the upright image; the result then differs from HF's pixel values for rotated photos. Works for
 * every channel count and bit depth; the palette is kept. Orientation 1 returns the input itself.
 *
 * @throws {@link ProcessorError} `PROCESSOR_INVALID_ARGUMENT` for an orientation outside 1–8, and as
 *   {@link checkRasterImage}
 */
export function applyExifOrientation<T extends RasterImage>(image: T, orientation: ExifOrientation): T {
  checkRasterImage(image);
  if (!Number.isInteger(orientation) || orientation < 1 || orientation > 8) {
    throw new ProcessorError('PROCESSOR_INVALID_ARGUMENT', `EXIF orientation must be an integer 1–8, got ${String(orientation)}.`, {
      details: { orientation },
    });
  }
  if (orientation === 1) return image;
  const { width: w, height: h, channels: c, data } = image;
  const swap = orientation >= 5;
  const ow = swap ? h : w;
  const oh = swap ? w : h;
  const out = new (data.constructor as new (n: number) => Uint8Array | Uint16Array)(data.length);
  // For output pixel (x, y): source pixel (sx, sy) = (ax + bx*x + cx*y, ay + by*x + cy*y).
  const [ax, bx, cx, ay, by, cy] = (
    {
      2: [w - 1, -1, 0, 0, 0, 1],
      3: [w - 1, -1, 0, h - 1, 0, -1],
      4: [0, 1, 0, h - 1, 0, -1],
      5: [0, 0, 1, 0, 1, 0],
      6: [0, 0, 1, h - 1, -1, 0],
      7: [w - 1, 0, -1, h - 1, -1, 0],
      8: [w - 1, 0, -1, 0, 1, 0],
    } as const
  )[orientation];
  let o = 0;
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      const s = ((ay + by * x + cy * y) * w + ax + bx * x + cx * y) * c;
      for (let k = 0; k < c; k++) out[o++] = data[s + k]!;
    }
  }
  return { ...image, width: ow, height: oh, data: out };
}

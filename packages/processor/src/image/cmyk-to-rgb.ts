import { ProcessorError } from '../errors.js';
import type { RgbImage } from './raster-image.js';

/**
 * Converts CMYK samples to 8-bit RGB with Pillow 9.4's formula (`Convert.c`, `cmyk2rgb`), not through an ICC
 * profile: with `nk = 255 − K`, each of R, G, B is `nk − round(ink · nk / 255)` for its ink C, M or Y (rounded as
 * Pillow's `MULDIV255`). This is what `Image.open(p).convert('RGB')` gives for a CMYK JPEG or TIFF. The samples are
 * Pillow's CMYK values: for JPEGs, the inverted ones that libjpeg hands to Pillow's `CMYK;I` raw mode (which libvips
 * gives too).
 *
 * @param data - `width × height × channels` samples, C, M, Y, K first in each pixel (extra channels, e.g. alpha,
 *   are ignored as Pillow's `CMYKX` raw mode ignores them)
 * @throws {@link ProcessorError} `PROCESSOR_INVALID_IMAGE` when the sizes do not match
 */
export function cmykToRgb(width: number, height: number, data: Uint8Array, channels = 4): RgbImage {
  const n = width * height;
  if (!Number.isSafeInteger(n) || n <= 0 || !Number.isInteger(channels) || channels < 4 || data.length !== n * channels) {
    throw new ProcessorError('PROCESSOR_INVALID_IMAGE', `CMYK data of ${data.length} samples does not match ${width} × ${height} × ${channels}.`, {
      details: { width, height, channels },
    });
  }
  const out = new Uint8Array(n * 3);
  for (let i = 0, s = 0, o = 0; i < n; i++, s += channels, o += 3) {
    const nk = 255 - data[s + 3]!;
    for (let c = 0; c < 3; c++) {
      const t = data[s + c]! * nk + 128;
      out[o + c] = nk - (((t >> 8) + t) >> 8);
    }
  }
  return { width, height, channels: 3, data: out };
}

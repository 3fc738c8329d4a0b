import { bitDepthOf, checkRasterImage } from './raster-image.js';
import type { RasterImage, RgbImage } from './raster-image.js';

/**
 * Converts any {@link RasterImage} to 8-bit RGB exactly as Pillow's `Image.convert('RGB')` does (Pillow 9.4,
 * `libImaging/Convert.c`, checked against Pillow itself):
 *
 * - RGB (8-bit): returned as is (the same object).
 * - RGBA / gray + alpha: the alpha channel is dropped, with no compositing against any background.
 * - gray: the value is replicated into R, G and B.
 * - palette (`palette` set, 1 or 2 channels): each index is looked up; an index past the palette's end gives the
 *   gray `(i, i, i)`, as Pillow's default palette is a gray ramp. A palette alpha channel is dropped.
 * - 16-bit gray: **clipped**, not scaled: values above 255 become 255 (Pillow's `I;16 → L` and `I → L` converters,
 *   which is how `convert('RGB')` of a 16-bit gray image goes). A 16-bit gray photo therefore mostly turns white,
 *   exactly as it does in Pillow; scale it yourself first if that is not what you want.
 * - 16-bit gray + alpha, RGB or RGBA: the **high byte** of each sample (`v >> 8`), which is what Pillow's decoders
 *   produce for such files (PNG raw modes `LA;16B`, `RGB;16B`, `RGBA;16B`): Pillow has no 16-bit colour mode.
 *
 * @throws {@link ProcessorError} as {@link checkRasterImage} (`PROCESSOR_EMPTY_IMAGE` for a zero-size image)
 */
export function toRgb(image: RasterImage): RgbImage {
  checkRasterImage(image);
  const { width, height, channels } = image;
  const n = width * height;
  if (channels === 3 && bitDepthOf(image) === 8 && image.palette === undefined) return image as RgbImage;
  const out = new Uint8Array(n * 3);
  const src = image.data;
  if (image.palette !== undefined) {
    const palette = image.palette;
    const entries = palette.length / 3;
    for (let i = 0, s = 0, o = 0; i < n; i++, s += channels, o += 3) {
      const index = src[s]!;
      if (index < entries) {
        out[o] = palette[3 * index]!;
        out[o + 1] = palette[3 * index + 1]!;
        out[o + 2] = palette[3 * index + 2]!;
      } else {
        out[o] = out[o + 1] = out[o + 2] = index;
      }
    }
  } else if (bitDepthOf(image) === 16 && (channels === 1 || channels === 2)) {
    const clip = channels === 1;
    for (let i = 0, s = 0, o = 0; i < n; i++, s += channels, o += 3) {
      const v = src[s]!;
      out[o] = out[o + 1] = out[o + 2] = clip ? (v > 255 ? 255 : v) : v >> 8;
    }
  } else if (channels === 1 || channels === 2) {
    for (let i = 0, s = 0, o = 0; i < n; i++, s += channels, o += 3) out[o] = out[o + 1] = out[o + 2] = src[s]!;
  } else {
    const shift = bitDepthOf(image) === 16 ? 8 : 0;
    for (let i = 0, s = 0, o = 0; i < n; i++, s += channels, o += 3) {
      out[o] = src[s]! >> shift;
      out[o + 1] = src[s + 1]! >> shift;
      out[o + 2] = src[s + 2]! >> shift;
    }
  }
  return { width, height, channels: 3, data: out };
}

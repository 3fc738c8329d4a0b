import { decodeBmp, decodeGif, decodePng, ImageDecodeError, isBmp, isGif, isPng, type RasterImage } from '@clipseg/processor';
import { WebImageError, type WebImageErrorCode } from './web-image-error.js';

const CODES: Record<ImageDecodeError['code'], WebImageErrorCode> = {
  DECODE_MALFORMED: 'WEB_IMAGE_UNREADABLE',
  DECODE_UNSUPPORTED: 'WEB_IMAGE_UNREADABLE',
  DECODE_EMPTY: 'WEB_IMAGE_EMPTY',
  DECODE_TOO_LARGE: 'WEB_IMAGE_TOO_LARGE',
};

/** Inflates a zlib stream with the browser's `DecompressionStream`, stopping after `maxLength` bytes. @internal */
export async function inflate(zlib: Uint8Array, maxLength: number): Promise<Uint8Array> {
  const reader = new Blob([zlib as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('deflate')).getReader();
  const out = new Uint8Array(maxLength);
  let filled = 0;
  while (filled < maxLength) {
    const { done, value } = await reader.read();
    if (done) break;
    const take = Math.min(value.length, maxLength - filled);
    out.set(value.subarray(0, take), filled);
    filled += take;
  }
  await reader.cancel().catch(() => undefined);
  return out.subarray(0, filled);
}

/** True for the formats {@link decodeBuiltIn} reads (from the first bytes). @internal */
export function isBuiltInFormat(head: Uint8Array): boolean {
  return isBmp(head) || isGif(head) || isPng(head);
}

/**
 * Decodes BMP, GIF and PNG with `@clipseg/processor`'s Pillow-exact decoders instead of the browser's: a canvas
 * stores premultiplied alpha (RGB under partial transparency loses precision), reduces 16-bit PNGs its own way,
 * paints GIF transparency black and reads some BMP variants differently from Pillow.
 * @internal
 */
export async function decodeBuiltIn(bytes: Uint8Array, what: string, maxPixels: number): Promise<RasterImage> {
  try {
    if (isBmp(bytes)) return decodeBmp(bytes, { maxPixels, what });
    if (isGif(bytes)) return decodeGif(bytes, { maxPixels, what });
    return await decodePng(bytes, inflate, { maxPixels, what });
  } catch (error) {
    if (error instanceof ImageDecodeError) throw new WebImageError(CODES[error.code], error.message, { cause: error, details: { reason: error.code, ...error.details } });
    throw new WebImageError('WEB_IMAGE_UNREADABLE', `${what} is corrupt: its compressed data cannot be inflated (${error instanceof Error ? error.message : String(error)}).`, { cause: error });
  }
}

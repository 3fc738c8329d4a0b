import { isCLIPSegError, type IoErrorCode } from '@clipseg/core';
import { checkRasterImage, decodeBmp, decodeGif, ImageDecodeError, isBmp, isGif, type RasterImage } from '@clipseg/processor';
import { readFileBounded } from '../io/read-file-bounded.js';
import { ImageError, type ImageErrorCode } from './image-error.js';
import { decodeWithSharp } from './sharp-decode.js';

/** Default pixel limit of {@link decodeImage}: 100 megapixels. */
export const DEFAULT_MAX_PIXELS = 100_000_000;

/**
 * The largest image file {@link decodeImage} reads for a pixel limit: 8 bytes per pixel (an uncompressed 16-bit
 * RGBA TIFF or CMYK-with-alpha, the widest layout Pillow reads) plus 64 MiB for metadata (ICC profiles, EXIF, XMP,
 * thumbnails). 100 MP allow 864 MiB. No real image file of that many pixels is larger.
 */
export function maxImageFileBytes(maxPixels: number): number {
  return maxPixels * 8 + 64 * 1024 * 1024;
}

/** Options of {@link decodeImage}. */
export interface DecodeImageOptions {
  /** Refuse images with more pixels than this (checked from the header, before decoding). Default 100 MP. */
  readonly maxPixels?: number;
  /** Refuse files larger than this many bytes (checked before reading). Default {@link maxImageFileBytes}(maxPixels). */
  readonly maxBytes?: number;
  /** Apply the EXIF orientation. Default false: HF's processor does not, and the reference outputs assume it does not. */
  readonly applyExifOrientation?: boolean;
  /**
   * Convert through the image's embedded ICC profile to sRGB (and CMYK through it or a generic CMYK profile), as
   * sharp and browsers do by default. Default false: Pillow, and so HF's processor, ignores profiles, so a photo
   * tagged Adobe RGB or Display P3 is used as stored (and CMYK goes through Pillow's formula).
   */
  readonly applyIccProfile?: boolean;
}

const IO_CODES: Partial<Record<IoErrorCode, ImageErrorCode>> = { IO_NOT_FOUND: 'IMAGE_NOT_FOUND', IO_NOT_A_FILE: 'IMAGE_NOT_A_FILE', IO_TOO_LARGE: 'IMAGE_TOO_LARGE' };
const DECODE_CODES: Record<ImageDecodeError['code'], ImageErrorCode> = {
  DECODE_MALFORMED: 'IMAGE_UNREADABLE',
  DECODE_UNSUPPORTED: 'IMAGE_UNREADABLE',
  DECODE_EMPTY: 'IMAGE_EMPTY',
  DECODE_TOO_LARGE: 'IMAGE_TOO_LARGE',
};

async function readImageFile(path: string, maxBytes: number): Promise<Uint8Array> {
  try {
    return await readFileBounded(path, { maxBytes, what: path });
  } catch (error) {
    if (!isCLIPSegError(error)) throw error;
    const code = IO_CODES[error.code as IoErrorCode] ?? 'IMAGE_UNREADABLE';
    const hint = code === 'IMAGE_TOO_LARGE' ? ' (the byte limit follows the pixel limit: raise --max-pixels, or pass maxBytes)' : '';
    throw new ImageError(code, `${error.message}${hint}`, { cause: error, details: { path, ...error.details } });
  }
}

/**
 * Decodes an image file or buffer into a {@link RasterImage} with its own channel count and bit depth (gray,
 * gray+alpha, RGB, RGBA, palette; 8 or 16 bits), for `toRgb` to convert: the result of `toRgb` equals Pillow 9.4's
 * `Image.open(p).convert('RGB')`, which is what HF's `CLIPSegProcessor` sees. JPEG, PNG, WebP, TIFF and AVIF go
 * through sharp/libvips with Pillow's settings (embedded ICC profiles ignored unless `applyIccProfile`; 16-bit
 * samples kept; CMYK by Pillow's formula); BMP and GIF through `@clipseg/processor`'s Pillow-exact decoders (GIF
 * transparency keeps the palette colour, as in Pillow). A path is read with {@link maxImageFileBytes} as its byte
 * limit, never following it into a FIFO or device.
 *
 * @throws {@link ImageError} `IMAGE_NOT_FOUND`, `IMAGE_NOT_A_FILE`, `IMAGE_UNREADABLE` (not an image, corrupt, or a
 *   variant Pillow does not read either), `IMAGE_EMPTY`, `IMAGE_TOO_LARGE` (pixels or bytes)
 */
export async function decodeImage(input: string | Uint8Array, options: DecodeImageOptions = {}): Promise<RasterImage> {
  const what = typeof input === 'string' ? input : 'the image data';
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const bytes = typeof input === 'string' ? await readImageFile(input, options.maxBytes ?? maxImageFileBytes(maxPixels)) : input;
  if (bytes.byteLength === 0) throw new ImageError('IMAGE_EMPTY', `${what} is an empty file, not an image.`);
  let image: RasterImage;
  if (isBmp(bytes) || isGif(bytes)) {
    try {
      image = isBmp(bytes) ? decodeBmp(bytes, { maxPixels, what }) : decodeGif(bytes, { maxPixels, what });
    } catch (error) {
      if (!(error instanceof ImageDecodeError)) throw error;
      throw new ImageError(DECODE_CODES[error.code], error.message, { cause: error, details: error.details === undefined ? { reason: error.code } : { ...error.details, reason: error.code } });
    }
  } else {
    image = await decodeWithSharp(bytes, what, { maxPixels, applyExifOrientation: options.applyExifOrientation === true, applyIccProfile: options.applyIccProfile === true });
  }
  checkRasterImage(image);
  return image;
}

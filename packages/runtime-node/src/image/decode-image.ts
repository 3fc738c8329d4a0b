import { readFile } from 'node:fs/promises';
import { checkRasterImage, type ImageChannels, type RasterImage } from '@clipseg/processor';
import sharp, { type Metadata } from 'sharp';
import { ImageError } from './image-error.js';

/** Default pixel limit of {@link decodeImage}: 100 megapixels. */
export const DEFAULT_MAX_PIXELS = 100_000_000;

/** Options of {@link decodeImage}. */
export interface DecodeImageOptions {
  /** Refuse images with more pixels than this (checked from the header, before decoding). Default 100 MP. */
  readonly maxPixels?: number;
  /** Apply the EXIF orientation. Default false: HF's processor does not, and the reference outputs assume it does not. */
  readonly applyExifOrientation?: boolean;
}

/**
 * Decodes an image file or buffer (JPEG, PNG, WebP, GIF, TIFF, AVIF … via
 * sharp/libvips) into a {@link RasterImage} with its own channel count and bit
 * depth (gray, gray+alpha, RGB, RGBA; 8 or 16 bits), for `toRgb` to convert as
 * Pillow's `convert('RGB')` does. Palette images arrive expanded.
 *
 * @throws {@link ImageError} `IMAGE_NOT_FOUND`, `IMAGE_UNREADABLE` (not an
 * image, or corrupt), `IMAGE_EMPTY`, `IMAGE_TOO_LARGE`.
 */
export async function decodeImage(input: string | Uint8Array, options: DecodeImageOptions = {}): Promise<RasterImage> {
  const what = typeof input === 'string' ? input : 'the image data';
  let bytes: Uint8Array;
  if (typeof input === 'string') {
    try {
      bytes = await readFile(input);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new ImageError(code === 'ENOENT' ? 'IMAGE_NOT_FOUND' : 'IMAGE_UNREADABLE', `Cannot read ${what} (${(error as Error).message}).`, { cause: error });
    }
  } else {
    bytes = input;
  }
  if (bytes.byteLength === 0) throw new ImageError('IMAGE_EMPTY', `${what} is an empty file, not an image.`);
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new ImageError('IMAGE_UNREADABLE', `${what} is not an image sharp can decode (${(error as Error).message}). Use JPEG, PNG, WebP, GIF, TIFF or AVIF.`, { cause: error });
  }
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (width === 0 || height === 0) throw new ImageError('IMAGE_EMPTY', `${what} has no pixels (${width}×${height}).`);
  if (width * height > maxPixels) {
    throw new ImageError('IMAGE_TOO_LARGE', `${what} is ${width}×${height} = ${((width * height) / 1e6).toFixed(1)} MP, over the ${(maxPixels / 1e6).toFixed(1)} MP limit; downscale it or raise the limit (--max-pixels).`, {
      details: { width, height, maxPixels },
    });
  }
  const sixteen = meta.depth === 'ushort';
  try {
    let pipeline = sharp(bytes, { limitInputPixels: false });
    if (options.applyExifOrientation) pipeline = pipeline.autoOrient();
    const { data, info } = await pipeline.raw({ depth: sixteen ? 'ushort' : 'uchar' }).toBuffer({ resolveWithObject: true });
    const samples = sixteen ? new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2).slice() : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const image: RasterImage = { width: info.width, height: info.height, channels: info.channels as ImageChannels, data: samples };
    checkRasterImage(image);
    return image;
  } catch (error) {
    if (error instanceof ImageError) throw error;
    throw new ImageError('IMAGE_UNREADABLE', `${what} could not be decoded (${(error as Error).message}); the file may be truncated or corrupt.`, { cause: error });
  }
}

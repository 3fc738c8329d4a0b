import { CLIPSegError } from '@clipseg/core';

/**
 * Stable codes of {@link ImageDecodeError}:
 *
 * - `DECODE_MALFORMED`: the file is truncated or its headers contradict themselves (Pillow refuses it too).
 * - `DECODE_UNSUPPORTED`: a well-formed variant that Pillow 9.4 does not read either (a 2-bit BMP, a JPEG-compressed
 *   BMP, an unknown header size or bitfields layout …).
 * - `DECODE_EMPTY`: zero width or height.
 * - `DECODE_TOO_LARGE`: more pixels than the `maxPixels` the caller allows (checked from the header, before any
 *   pixel buffer is allocated).
 */
export type ImageDecodeErrorCode = 'DECODE_MALFORMED' | 'DECODE_UNSUPPORTED' | 'DECODE_EMPTY' | 'DECODE_TOO_LARGE';

/** A BMP or GIF file that the built-in decoders cannot read; `code` says why. */
export class ImageDecodeError extends CLIPSegError<ImageDecodeErrorCode> {}

/** Options of the built-in decoders ({@link decodeBmp}, {@link decodeGif}). */
export interface DecodeOptions {
  /** Refuse images with more pixels than this (from the header, before decoding). Default 100 megapixels. */
  readonly maxPixels?: number;
  /** How to name the image in messages. Default `the BMP file` / `the GIF file`. */
  readonly what?: string;
}

/** The default pixel limit of the built-in decoders: 100 megapixels, as the runtimes' `decodeImage`. */
export const DEFAULT_DECODE_MAX_PIXELS = 100_000_000;

/** Throws `DECODE_EMPTY` or `DECODE_TOO_LARGE` for a size the caller does not allow. @internal */
export function checkDecodeSize(width: number, height: number, options: DecodeOptions, what: string): void {
  if (width === 0 || height === 0) throw new ImageDecodeError('DECODE_EMPTY', `${what} has no pixels (${width}×${height}).`, { details: { width, height } });
  const maxPixels = options.maxPixels ?? DEFAULT_DECODE_MAX_PIXELS;
  if (width * height > maxPixels) {
    throw new ImageDecodeError('DECODE_TOO_LARGE', `${what} is ${width}×${height} = ${((width * height) / 1e6).toFixed(1)} MP, over the ${(maxPixels / 1e6).toFixed(1)} MP limit; downscale it or raise maxPixels.`, {
      details: { width, height, maxPixels },
    });
  }
}

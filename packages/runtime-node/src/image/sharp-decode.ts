import { cmykToRgb, type ImageChannels, type RasterImage } from '@clipseg/processor';
import sharp, { type Metadata, type SharpOptions } from 'sharp';
import { ImageError } from './image-error.js';

/** What {@link decodeWithSharp} needs to know. @internal */
export interface SharpDecodeOptions {
  readonly maxPixels: number;
  readonly applyExifOrientation: boolean;
  readonly applyIccProfile: boolean;
}

/** True for a PNG whose IHDR says 16-bit gray (colour type 0): Pillow's mode `I`, even with a `tRNS` chunk. */
function isSixteenBitGrayPng(bytes: Uint8Array): boolean {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  return bytes.length > 25 && signature.every((b, i) => bytes[i] === b) && bytes[24] === 16 && bytes[25] === 0;
}

/** Keeps the first `keep` of every `channels` samples. */
function keepChannels<T extends Uint8Array | Uint16Array>(data: T, channels: number, keep: number): T {
  const n = data.length / channels;
  const out = new (data.constructor as new (length: number) => T)(n * keep);
  for (let i = 0; i < n; i++) for (let c = 0; c < keep; c++) out[i * keep + c] = data[i * channels + c]!;
  return out;
}

/**
 * Decodes with sharp/libvips the formats it reads as Pillow does, given the right settings: no ICC transform
 * (`ignoreIcc`; Pillow ignores embedded profiles), 16-bit samples kept as such (`rgb16`/`grey16`, for `toRgb` to
 * reduce as Pillow does: high byte for colour, clipping for gray), CMYK read as CMYK (libvips inverts Adobe JPEGs
 * as Pillow's `CMYK;I` does) and converted with Pillow's formula instead of sharp's ICC conversion.
 * @internal
 */
export async function decodeWithSharp(bytes: Uint8Array, what: string, options: SharpDecodeOptions): Promise<RasterImage> {
  const input: SharpOptions = { limitInputPixels: false, ignoreIcc: !options.applyIccProfile };
  let meta: Metadata;
  try {
    meta = await sharp(bytes, input).metadata();
  } catch (error) {
    throw new ImageError('IMAGE_UNREADABLE', `${what} is not an image this runtime can decode (${(error as Error).message}). Use JPEG, PNG, WebP, GIF, BMP, TIFF or AVIF.`, { cause: error });
  }
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (width === 0 || height === 0) throw new ImageError('IMAGE_EMPTY', `${what} has no pixels (${width}×${height}).`);
  if (width * height > options.maxPixels) {
    throw new ImageError('IMAGE_TOO_LARGE', `${what} is ${width}×${height} = ${((width * height) / 1e6).toFixed(1)} MP, over the ${(options.maxPixels / 1e6).toFixed(1)} MP limit; downscale it or raise the limit (--max-pixels).`, {
      details: { width, height, maxPixels: options.maxPixels },
    });
  }
  const sixteen = meta.depth === 'ushort';
  const cmyk = meta.space === 'cmyk' && !options.applyIccProfile;
  const gray = meta.channels !== undefined && meta.channels <= 2;
  try {
    let pipeline = sharp(bytes, input);
    if (options.applyExifOrientation) pipeline = pipeline.autoOrient();
    if (cmyk) pipeline = pipeline.pipelineColourspace('cmyk').toColourspace('cmyk');
    else if (sixteen) pipeline = pipeline.toColourspace(gray ? 'grey16' : 'rgb16');
    const { data, info } = await pipeline.raw({ depth: sixteen ? 'ushort' : 'uchar' }).toBuffer({ resolveWithObject: true });
    let samples: Uint8Array | Uint16Array = sixteen ? new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2).slice() : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    let channels = info.channels as number;
    if (cmyk) {
      // Pillow's 16-bit CMYK raw modes keep the high byte of each sample.
      const eight = samples instanceof Uint16Array ? Uint8Array.from(samples, (v) => v >> 8) : samples;
      return cmykToRgb(info.width, info.height, eight, channels);
    }
    if (sixteen && gray && channels === 2 && isSixteenBitGrayPng(bytes)) {
      samples = keepChannels(samples, 2, 1); // a tRNS chunk: Pillow keeps mode I (clipped), not LA (high byte)
      channels = 1;
    }
    return { width: info.width, height: info.height, channels: channels as ImageChannels, data: samples };
  } catch (error) {
    if (error instanceof ImageError) throw error;
    throw new ImageError('IMAGE_UNREADABLE', `${what} could not be decoded (${(error as Error).message}); the file may be truncated or corrupt.`, { cause: error });
  }
}

import { ProcessorError } from '../errors.js';

/** Channels of a {@link RasterImage}: 1 gray (or palette indices), 2 gray + alpha, 3 RGB, 4 RGBA. */
export type ImageChannels = 1 | 2 | 3 | 4;

/**
 * A decoded image: interleaved samples, row-major, top row first, no padding between rows. Runtimes produce it
 * (sharp's `raw()` output in Node, `ImageData` from a canvas in browsers, a PNG/JPEG decoder anywhere) and this
 * package consumes it. Plain data, no methods, so it crosses worker boundaries as is.
 *
 * - `data.length` is `width * height * channels`; sample `c` of pixel `(x, y)` is at `(y * width + x) * channels + c`.
 * - 8-bit images store samples in a `Uint8Array`, 16-bit images in a `Uint16Array` (native values 0–65535, not
 *   byte-swapped).
 * - A palette ("P"/"PA" in Pillow's terms) image has `channels` 1 (indices) or 2 (indices + alpha), 8-bit data and
 *   `palette` set.
 */
export interface RasterImage {
  /** Columns, a positive integer. */
  readonly width: number;
  /** Rows, a positive integer. */
  readonly height: number;
  /** Samples per pixel. */
  readonly channels: ImageChannels;
  /** Samples, interleaved; `Uint8Array` for 8-bit images, `Uint16Array` for 16-bit images. */
  readonly data: Uint8Array | Uint16Array;
  /** Bits per sample; when given it must agree with the type of `data` (8 ↔ `Uint8Array`, 16 ↔ `Uint16Array`). */
  readonly bitDepth?: 8 | 16;
  /**
   * Palette of an indexed image: RGB triplets, entry `i` at bytes `3i … 3i+2`, at most 256 entries. Indices past its
   * end map to the gray `(i, i, i)`, as in Pillow (whose palettes start as a gray ramp).
   */
  readonly palette?: Uint8Array;
}

/** A {@link RasterImage} with 8-bit samples. */
export interface RasterImage8 extends RasterImage {
  /** Samples, interleaved. */
  readonly data: Uint8Array;
}

/** An 8-bit RGB {@link RasterImage} without palette: what {@link toRgb} returns and the model pipeline consumes. */
export interface RgbImage extends RasterImage8 {
  /** Always 3. */
  readonly channels: 3;
}

/** Bits per sample of `image`, from its data type. */
export function bitDepthOf(image: RasterImage): 8 | 16 {
  return image.data instanceof Uint16Array ? 16 : 8;
}

/**
 * Checks that `image` is a well-formed {@link RasterImage}.
 * @param what - how to name the image in messages, e.g. `images[2]`
 * @throws {@link ProcessorError} `PROCESSOR_INVALID_IMAGE`, or `PROCESSOR_EMPTY_IMAGE` for a zero width or height
 */
export function checkRasterImage(image: RasterImage, what = 'image'): void {
  const fail = (message: string): never => {
    throw new ProcessorError('PROCESSOR_INVALID_IMAGE', `${what}: ${message}`, {
      details: { width: image?.width, height: image?.height, channels: image?.channels },
    });
  };
  if (typeof image !== 'object' || image === null) fail('expected a RasterImage object {width, height, channels, data}.');
  const { width, height, channels, data } = image;
  if (!Number.isSafeInteger(width) || !Number.isSafeInteger(height) || width < 0 || height < 0) {
    fail(`width and height must be non-negative integers, got ${String(width)} × ${String(height)}.`);
  }
  if (width === 0 || height === 0) {
    throw new ProcessorError('PROCESSOR_EMPTY_IMAGE', `${what} is empty (${width} × ${height}); an image needs at least one pixel.`, {
      details: { width, height },
    });
  }
  if (channels !== 1 && channels !== 2 && channels !== 3 && channels !== 4) fail(`channels must be 1, 2, 3 or 4, got ${String(channels)}.`);
  if (!(data instanceof Uint8Array) && !(data instanceof Uint16Array)) fail('data must be a Uint8Array (8-bit) or a Uint16Array (16-bit).');
  const depth = bitDepthOf(image);
  if (image.bitDepth !== undefined && image.bitDepth !== depth) {
    fail(`bitDepth ${String(image.bitDepth)} does not match its ${data.constructor.name} data (${depth}-bit).`);
  }
  const expected = width * height * channels;
  if (data.length !== expected) fail(`data has ${data.length} samples but ${width} × ${height} × ${channels} needs ${expected}.`);
  if (image.palette !== undefined) {
    const { palette } = image;
    if (!(palette instanceof Uint8Array)) fail('palette must be a Uint8Array of RGB triplets.');
    if (palette.length % 3 !== 0 || palette.length > 768) fail(`palette must hold at most 256 RGB triplets, got ${palette.length} bytes.`);
    if (depth !== 8) fail('a palette image must have 8-bit indices.');
    if (channels > 2) fail(`a palette image has 1 channel (indices) or 2 (indices + alpha), got ${channels}.`);
  }
}

/**
 * Checks `image` and that it has 8-bit samples and no palette.
 * @throws {@link ProcessorError} as {@link checkRasterImage}, and `PROCESSOR_UNSUPPORTED` for 16-bit or palette images
 */
export function checkRasterImage8(image: RasterImage, what = 'image'): asserts image is RasterImage8 {
  checkRasterImage(image, what);
  if (bitDepthOf(image) !== 8) {
    throw new ProcessorError('PROCESSOR_UNSUPPORTED', `${what} has 16-bit samples; this operation needs 8-bit ones. Convert it with toRgb() first.`);
  }
  if (image.palette !== undefined) {
    throw new ProcessorError('PROCESSOR_UNSUPPORTED', `${what} is a palette image; this operation needs direct colours. Convert it with toRgb() first.`);
  }
}

/**
 * Checks `image` and that it is 8-bit RGB without palette.
 * @throws {@link ProcessorError} as {@link checkRasterImage8}, and `PROCESSOR_UNSUPPORTED` for other channel counts
 */
export function checkRgbImage(image: RasterImage, what = 'image'): asserts image is RgbImage {
  checkRasterImage8(image, what);
  if (image.channels !== 3) {
    throw new ProcessorError('PROCESSOR_UNSUPPORTED', `${what} has ${image.channels} channels; this operation needs RGB. Convert it with toRgb() first.`);
  }
}

/**
 * Builds an 8-bit {@link RasterImage}, allocating zeroed samples when `data` is omitted.
 * @throws {@link ProcessorError} as {@link checkRasterImage}
 */
export function createRasterImage(width: number, height: number, channels: ImageChannels, data?: Uint8Array): RasterImage8 {
  const length = width * height * channels;
  const image: RasterImage8 = { width, height, channels, data: data ?? new Uint8Array(Number.isSafeInteger(length) && length > 0 ? length : 0) };
  checkRasterImage(image);
  return image;
}

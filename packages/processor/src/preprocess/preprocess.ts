import { createTensor } from '@clipseg/core';
import type { Tensor, ViTImageProcessorFields } from '@clipseg/core';
import { ProcessorError } from '../errors.js';
import { checkRasterImage } from '../image/raster-image.js';
import type { RasterImage, RgbImage } from '../image/raster-image.js';
import { toRgb } from '../image/to-rgb.js';
import { resizeImage } from '../resize/resize-image.js';

/**
 * The fields of HF's `ViTImageProcessor` that {@link preprocess} uses. `ViTImageProcessorConfig` from
 * `@clipseg/core` has them all (and checks them when it parses `preprocessor_config.json`).
 */
export type PreprocessConfig = Pick<
  ViTImageProcessorFields,
  'do_resize' | 'size' | 'resample' | 'do_rescale' | 'rescale_factor' | 'do_normalize' | 'image_mean' | 'image_std'
>;

/**
 * Per channel, the float32 value each byte 0–255 becomes after HF's rescale and normalize:
 * rescale is `float64(x) * rescale_factor` cast to float32 (HF's `rescale`), normalize is
 * `(x - mean) / std` in float32 with `mean` and `std` cast to float32 (HF's `normalize`; numpy computes float32
 * operations correctly rounded, which `Math.fround` of the double result reproduces exactly).
 */
export function pixelValueTable(config: PreprocessConfig): Float32Array[] {
  const tables: Float32Array[] = [];
  for (let c = 0; c < 3; c++) {
    const mean = Math.fround(config.image_mean[c]!);
    const std = Math.fround(config.image_std[c]!);
    const table = new Float32Array(256);
    for (let v = 0; v < 256; v++) {
      let x = config.do_rescale ? Math.fround(v * config.rescale_factor) : v;
      if (config.do_normalize) x = Math.fround(Math.fround(x - mean) / std);
      table[v] = x;
    }
    tables.push(table);
  }
  return tables;
}

function checkConfig(config: PreprocessConfig): void {
  const bad = (message: string): never => {
    throw new ProcessorError('PROCESSOR_INVALID_ARGUMENT', `Preprocessor config: ${message}`);
  };
  if (typeof config !== 'object' || config === null) bad('expected a ViTImageProcessorConfig (or an object with its fields).');
  if (config.do_normalize) {
    for (const key of ['image_mean', 'image_std'] as const) {
      const values = config[key];
      if (!Array.isArray(values) || values.length !== 3 || !values.every((v) => typeof v === 'number' && Number.isFinite(v))) {
        bad(`${key} must hold 3 finite numbers (one per RGB channel), got ${JSON.stringify(values)}.`);
      }
    }
    if (config.image_std.some((v) => v === 0)) bad('image_std must not contain 0.');
  }
  if (config.do_rescale && !(typeof config.rescale_factor === 'number' && Number.isFinite(config.rescale_factor))) {
    bad(`rescale_factor must be a finite number, got ${String(config.rescale_factor)}.`);
  }
  if (config.do_resize) {
    const { width, height } = config.size ?? {};
    if (!Number.isSafeInteger(width) || !Number.isSafeInteger(height) || width! < 1 || height! < 1) {
      bad(`size must be {height, width} with positive integers, got ${JSON.stringify(config.size)}.`);
    }
  }
}

/**
 * HF `ViTImageProcessor.preprocess` (the slow, Pillow path) for a batch of images, giving `pixel_values`, float32
 * `[batch, 3, H, W]`:
 *
 * 1. every image is converted to 8-bit RGB with {@link toRgb} (Pillow's `convert('RGB')`; RGB images pass
 *    unchanged). No EXIF orientation is applied (HF applies none; see `applyExifOrientation`).
 * 2. `do_resize`: {@link resizeImage} to `size` with the `resample` filter, squashing (no aspect preservation, no
 *    crop), exactly as Pillow's `Image.resize(…, reducing_gap=None)`.
 * 3. `do_rescale`: `float64(x) * rescale_factor`, cast to float32.
 * 4. `do_normalize`: `(x - mean) / std` per channel in float32.
 * 5. HWC → CHW.
 *
 * With the same decoded RGB pixels, the result is bit-identical to HF's (see the package README for the golden
 * comparison). Without `do_resize`, every image must already have the same size.
 *
 * @param config - a `ViTImageProcessorConfig` from `@clipseg/core`, or any object with its fields
 * @throws {@link ProcessorError} `PROCESSOR_EMPTY_BATCH` for no images, `PROCESSOR_SIZE_MISMATCH` for differently
 *   sized images without `do_resize`, `PROCESSOR_INVALID_ARGUMENT` for an unusable config, and as {@link toRgb}
 */
export function preprocess(images: readonly RasterImage[], config: PreprocessConfig): Tensor<'float32'> {
  if (!Array.isArray(images) || images.length === 0) {
    throw new ProcessorError('PROCESSOR_EMPTY_BATCH', 'preprocess needs at least one image.');
  }
  checkConfig(config);
  images.forEach((image, i) => checkRasterImage(image, `images[${i}]`));
  const prepared: RgbImage[] = images.map((image) => {
    const rgb = toRgb(image);
    return config.do_resize ? resizeImage(rgb, config.size, { resample: config.resample }) : rgb;
  });
  const { width, height } = prepared[0]!;
  prepared.forEach((image, i) => {
    if (image.width !== width || image.height !== height) {
      throw new ProcessorError(
        'PROCESSOR_SIZE_MISMATCH',
        `images[${i}] is ${image.width} × ${image.height} but images[0] is ${width} × ${height}; without do_resize every image must have the same size.`,
        { details: { index: i, width: image.width, height: image.height } },
      );
    }
  });
  const tables = pixelValueTable(config);
  const plane = width * height;
  const out = new Float32Array(prepared.length * 3 * plane);
  prepared.forEach((image, b) => {
    const src = image.data;
    for (let c = 0; c < 3; c++) {
      const table = tables[c]!;
      const base = (b * 3 + c) * plane;
      for (let i = 0, s = c; i < plane; i++, s += 3) out[base + i] = table[src[s]!]!;
    }
  });
  return createTensor('float32', [prepared.length, 3, height, width], out);
}

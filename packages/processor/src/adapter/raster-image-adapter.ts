import type { ImageAdapter, ImageSize, VisualPromptMode, VisualPromptRegion, ViTImageProcessorConfig, Tensor } from '@clipseg/core';
import { toRgb } from '../image/to-rgb.js';
import type { RasterImage } from '../image/raster-image.js';
import type { BinaryMask, Mask } from '../mask/mask.js';
import { isBinaryMask } from '../mask/mask.js';
import { preprocess } from '../preprocess/preprocess.js';
import { BEST_VISUAL_PROMPT, visualPrompt, type VisualPromptOptions } from '../prompt/visual-prompt.js';
import { ProcessorError } from '../errors.js';

/** A visual-prompt region: a processor mask, or a mask image (white = object). */
export type PromptMask = Mask | RasterImage;

/** How each core visual-prompt mode maps onto {@link visualPrompt} options (darken and blur as in {@link BEST_VISUAL_PROMPT}). */
export function visualPromptOptions(mode: Exclude<VisualPromptMode, 'none'>): VisualPromptOptions {
  const { crop, blur, darken } = BEST_VISUAL_PROMPT;
  return {
    ...(mode.includes('crop') ? { crop: crop ?? true } : {}),
    ...(mode.includes('blur') ? { blur: blur ?? 5 } : {}),
    ...(mode.includes('darken') ? { darken: darken ?? 0.1 } : {}),
  };
}

/**
 * Turns a mask image into a binary mask: a pixel is foreground when its
 * RGB mean is at least 128 (white on black, as mask PNGs are drawn).
 */
export function maskFromImage(image: RasterImage): BinaryMask {
  const rgb = toRgb(image);
  const data = new Uint8Array(rgb.width * rgb.height);
  for (let i = 0; i < data.length; i++) {
    const o = i * 3;
    data[i] = rgb.data[o]! + rgb.data[o + 1]! + rgb.data[o + 2]! >= 384 ? 1 : 0;
  }
  return { width: rgb.width, height: rgb.height, data };
}

function toBinaryMask(mask: PromptMask): BinaryMask {
  if ('channels' in mask) return maskFromImage(mask);
  if (isBinaryMask(mask)) return mask;
  throw new ProcessorError('PROCESSOR_INVALID_ARGUMENT', 'A soft mask cannot be a visual-prompt region; threshold it first (thresholdMask).');
}

/**
 * The {@link ImageAdapter} that connects `@clipseg/core`'s pipeline to this
 * package: Pillow-exact `ViTImageProcessor` pre-processing, sizes, and the
 * paper's visual-prompt engineering (crop / blur / darken the background).
 *
 * @example
 * ```ts
 * const seg = await CLIPSeg.load(files, backend, { images: rasterImageAdapter });
 * ```
 */
export const rasterImageAdapter: ImageAdapter<RasterImage, PromptMask> = {
  preprocess(images: readonly RasterImage[], config: ViTImageProcessorConfig): Tensor<'float32'> {
    return preprocess(images, config);
  },
  size(image: RasterImage): ImageSize {
    return { width: image.width, height: image.height };
  },
  engineer(image: RasterImage, region: VisualPromptRegion<PromptMask>): RasterImage {
    const options = visualPromptOptions(region.mode);
    if (region.mask !== undefined) return visualPrompt(image, toBinaryMask(region.mask), options);
    if (region.box !== undefined) return visualPrompt(image, region.box, options);
    throw new ProcessorError('PROCESSOR_INVALID_ARGUMENT', 'A visual prompt needs a mask or a box.');
  },
};

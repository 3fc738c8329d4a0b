import type { ImageSize, ViTImageProcessorConfig } from '../config/preprocessor-config.js';
import type { Tensor } from '../tensor/tensor.js';

/** A rectangle in pixels of the original image: top-left corner and size. */
export interface Box {
  /** Left edge, in pixels from the image's left. */
  readonly x: number;
  /** Top edge, in pixels from the image's top. */
  readonly y: number;
  /** Width in pixels, > 0. */
  readonly width: number;
  /** Height in pixels, > 0. */
  readonly height: number;
}

/**
 * Visual prompt engineering modes (Lüddecke & Ecker, §4.3): how an example image is altered around the object
 * its mask or box marks before it is embedded. `'none'` uses the image as it is.
 */
export const VISUAL_PROMPT_MODES = Object.freeze([
  'none',
  'crop',
  'darken',
  'blur',
  'crop-blur',
  'crop-darken',
  'crop-blur-darken',
] as const);

/** One of {@link VISUAL_PROMPT_MODES}. */
export type VisualPromptMode = (typeof VISUAL_PROMPT_MODES)[number];

/** The mode used when an image prompt gives a mask or box but no mode: the paper's best (crop, blur and darken). */
export const DEFAULT_VISUAL_PROMPT_MODE: VisualPromptMode = 'crop-blur-darken';

/** True when `value` is one of {@link VISUAL_PROMPT_MODES}. */
export function isVisualPromptMode(value: unknown): value is VisualPromptMode {
  return typeof value === 'string' && (VISUAL_PROMPT_MODES as readonly string[]).includes(value);
}

/** What {@link ImageAdapter.engineer} receives: the region to keep and how to treat the rest. */
export interface VisualPromptRegion<M> {
  /** Mask of the object (same size as the image); wins over `box` when both are given. */
  readonly mask?: M;
  /** Box around the object, in pixels of the image. */
  readonly box?: Box;
  /** What to do; never `'none'` (the pipeline skips the adapter then). */
  readonly mode: Exclude<VisualPromptMode, 'none'>;
}

/**
 * Everything the pipeline needs to know about images, injected because `@clipseg/core` cannot depend on the
 * image-processing package (`@clipseg/processor` implements it for its `RasterImage`). Images and masks are
 * opaque to the pipeline: `I` is the image type, `M` the mask type (the image type by default).
 *
 * Methods may return promises (a browser adapter may decode or blur asynchronously).
 */
export interface ImageAdapter<I, M = I> {
  /**
   * HF `ViTImageProcessor`: images → `pixel_values` float32 `[n, channels, height, width]` as `config` says
   * (resize to `config.size`, rescale, normalize). One row per image, in order.
   */
  preprocess(images: readonly I[], config: ViTImageProcessorConfig): Tensor<'float32'> | Promise<Tensor<'float32'>>;
  /** The image's original size, reported in results and used to resize masks back. */
  size(image: I): ImageSize;
  /**
   * Visual prompt engineering (crop, darken, blur the background …) from a mask or a box. Optional: without
   * it, image prompts must use mode `'none'`.
   */
  engineer?(image: I, region: VisualPromptRegion<M>): I | Promise<I>;
}

/**
 * `@clipseg/processor`: image pre-processing bit-exact to HF's `ViTImageProcessor` (Pillow's antialiased resize,
 * rescale, normalize), mask post-processing (sigmoid, resize, threshold, blur, morphology, combine, heatmaps and
 * overlays, PNG-ready buffers, RLE and polygons) and visual-prompt engineering. No DOM, no Node APIs.
 *
 * @packageDocumentation
 */

// Errors
export { ProcessorError } from './errors.js';
export type { ProcessorErrorCode } from './errors.js';

// Images
export { bitDepthOf, checkRasterImage, checkRasterImage8, checkRgbImage, createRasterImage } from './image/raster-image.js';
export type { ImageChannels, RasterImage, RasterImage8, RgbImage } from './image/raster-image.js';
export { toRgb } from './image/to-rgb.js';
export { applyExifOrientation } from './image/exif-orientation.js';
export type { ExifOrientation } from './image/exif-orientation.js';

// Resizing (Pillow-exact)
export { RESAMPLE_KERNELS, resampleName } from './resize/resample-filters.js';
export type { ResampleFilter, ResampleKernel } from './resize/resample-filters.js';
export { resizeImage } from './resize/resize-image.js';
export type { ResizeBox, ResizeOptions, ResizeSize } from './resize/resize-image.js';

// Pre-processing (HF ViTImageProcessor)
export { pixelValueTable, preprocess } from './preprocess/preprocess.js';
export type { PreprocessConfig } from './preprocess/preprocess.js';

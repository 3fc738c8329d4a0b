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
export { cmykToRgb } from './image/cmyk-to-rgb.js';
export { exampleScene } from './image/example-scene.js';

// Decoding (formats whose Pillow reading no runtime codec reproduces)
export { decodeBmp, isBmp } from './decode/decode-bmp.js';
export { decodeGif, isGif } from './decode/decode-gif.js';
export { decodePng, isPng, readPngHeader } from './decode/decode-png.js';
export type { Inflate, PngHeader } from './decode/decode-png.js';
export { DEFAULT_DECODE_MAX_PIXELS, ImageDecodeError } from './decode/image-decode-error.js';
export type { DecodeOptions, ImageDecodeErrorCode } from './decode/image-decode-error.js';

// Resizing (Pillow-exact)
export { RESAMPLE_KERNELS, resampleName } from './resize/resample-filters.js';
export type { ResampleFilter, ResampleKernel } from './resize/resample-filters.js';
export { resizeImage } from './resize/resize-image.js';
export type { ResizeBox, ResizeOptions, ResizeSize } from './resize/resize-image.js';

// Pre-processing (HF ViTImageProcessor)
export { pixelValueTable, preprocess } from './preprocess/preprocess.js';
export type { PreprocessConfig } from './preprocess/preprocess.js';

// Masks
export { checkMask, createBinaryMask, createSoftMask, isBinaryMask, toSoftMask } from './mask/mask.js';
export type { BinaryMask, Mask, SoftMask } from './mask/mask.js';

// Post-processing
export { logitsToMasks, sigmoid } from './postprocess/logits.js';
export type { LogitsToMasksOptions } from './postprocess/logits.js';
export { logitsToBinaryMasks } from './postprocess/logits-to-binary-masks.js';
export type { LogitsToBinaryMasksOptions } from './postprocess/logits-to-binary-masks.js';
export { resizeMask } from './postprocess/resize-mask.js';
export { thresholdMask } from './postprocess/threshold.js';
export { gaussianKernel } from './postprocess/gaussian.js';
export { blurMask } from './postprocess/blur-mask.js';
export type { BlurOptions } from './postprocess/blur-mask.js';
export { dilateMask, erodeMask } from './postprocess/morphology.js';
export type { MorphologyOptions, StructuringElement } from './postprocess/morphology.js';
export { applyNegativeMasks, combineMasks, invertMask } from './postprocess/combine.js';
export type { CombineOperation } from './postprocess/combine.js';
export { colormapIndex, colormapTable } from './postprocess/colormaps.js';
export type { ColormapName } from './postprocess/colormaps.js';
export { maskToHeatmap, overlayHeatmap, overlayMask } from './postprocess/heatmap.js';
export type { HeatmapOptions, OverlayHeatmapOptions, OverlayMaskOptions, RgbColor } from './postprocess/heatmap.js';
export { cutoutImage, maskToGray, maskToRgba } from './postprocess/mask-image.js';
export type { MaskToRgbaOptions, RgbaColor } from './postprocess/mask-image.js';
export { decodeRleCounts, encodeRleCounts, maskToCompressedRle, maskToRle, rleToMask } from './postprocess/rle.js';
export type { CocoCompressedRle, CocoRle } from './postprocess/rle.js';
export { maskToPolygons } from './postprocess/polygons.js';
export type { MaskPolygon, MaskToPolygonsOptions } from './postprocess/polygons.js';
export { pointInRing, ringArea, simplifyPolyline, simplifyRing } from './postprocess/simplify.js';

// Visual prompts
export { boxToMask, clipBox, cropImage, maskBoundingBox } from './prompt/pixel-box.js';
export type { PixelBox } from './prompt/pixel-box.js';
export { BEST_VISUAL_PROMPT, visualPrompt } from './prompt/visual-prompt.js';
export type { VisualPromptCrop, VisualPromptOptions } from './prompt/visual-prompt.js';

// Adapter for @clipseg/core's CLIPSeg pipeline
export { maskFromImage, rasterImageAdapter, visualPromptOptions } from './adapter/raster-image-adapter.js';
export type { PromptMask } from './adapter/raster-image-adapter.js';

import { ProcessorError, checkNumber } from '../errors.js';
import { checkRasterImage } from '../image/raster-image.js';
import type { RasterImage, RgbImage } from '../image/raster-image.js';
import { toRgb } from '../image/to-rgb.js';
import { checkMask, checkSameSize, isBinaryMask } from '../mask/mask.js';
import type { BinaryMask } from '../mask/mask.js';
import { convolveSeparable, gaussianKernel } from '../postprocess/gaussian.js';
import { boxToMask, cropImage, maskBoundingBox } from './pixel-box.js';
import type { PixelBox } from './pixel-box.js';

/** How {@link visualPrompt} crops to the object. */
export interface VisualPromptCrop {
  /** Context kept around the object's bounding box on each side, as a fraction of the box's width/height; default 0.1. */
  readonly margin?: number;
  /** Grow the shorter side so the crop is square (as far as the image allows); default false. */
  readonly square?: boolean;
}

/** Options of {@link visualPrompt}: which of the CLIPSeg paper's visual-prompt variants to combine. */
export interface VisualPromptOptions {
  /** Crop to the object's bounding box (with a context margin); `true` uses the defaults of {@link VisualPromptCrop}. */
  readonly crop?: boolean | VisualPromptCrop;
  /** Multiply background pixels by this factor in [0, 1] (0.1 keeps 10% of the intensity); default 1 (off). */
  readonly darken?: number;
  /** Gaussian-blur the background with this sigma in pixels; default 0 (off). */
  readonly blur?: number;
}

/**
 * The combination the CLIPSeg paper (Lüddecke & Ecker 2022, Sec. 4.2, "visual prompt engineering") found to work
 * best for image prompts: crop to the object, blur and darken the background (intensity reduced to 10%). The blur
 * sigma and crop margin are this package's choices; the paper does not pin them down for arbitrary image sizes.
 */
export const BEST_VISUAL_PROMPT: Readonly<VisualPromptOptions> = Object.freeze({ crop: Object.freeze({ margin: 0.1 }), blur: 5, darken: 0.1 });

function cropBox(object: PixelBox, crop: VisualPromptCrop, width: number, height: number): PixelBox {
  const margin = checkNumber(crop.margin ?? 0.1, 'margin', 0);
  let x0 = object.x - margin * object.width;
  let x1 = object.x + object.width + margin * object.width;
  let y0 = object.y - margin * object.height;
  let y1 = object.y + object.height + margin * object.height;
  if (crop.square) {
    const side = Math.min(Math.max(x1 - x0, y1 - y0), width, height);
    const cx = (x0 + x1) / 2;
    const cy = (y0 + y1) / 2;
    x0 = Math.min(Math.max(0, cx - side / 2), width - side);
    y0 = Math.min(Math.max(0, cy - side / 2), height - side);
    x1 = x0 + side;
    y1 = y0 + side;
  }
  const left = Math.max(0, Math.floor(x0));
  const top = Math.max(0, Math.floor(y0));
  return { x: left, y: top, width: Math.min(width, Math.ceil(x1)) - left, height: Math.min(height, Math.ceil(y1)) - top };
}

/**
 * Builds an image prompt the way the CLIPSeg paper's visual-prompt engineering does: from an image and the region
 * of the object (a binary mask of the image's size, or a pixel box), optionally
 *
 * 1. blur the background (pixels outside the region) with a Gaussian of sigma `blur` (the whole image is blurred,
 *    borders clamped, then only background pixels take the blurred values, rounded);
 * 2. darken the background: `round(v · darken)`;
 * 3. crop to the region's bounding box plus `margin` of its size on each side, clipped to the image.
 *
 * Returns a new 8-bit RGB image (the input is converted with {@link toRgb}) to feed to `preprocess` as
 * `conditional_pixel_values`. With no options it returns an RGB copy. {@link BEST_VISUAL_PROMPT} is the paper's
 * best combination.
 *
 * @throws {@link ProcessorError} `PROCESSOR_SIZE_MISMATCH` for a mask of another size, `PROCESSOR_EMPTY_MASK` for an
 *   empty region, `PROCESSOR_INVALID_ARGUMENT` for a soft mask or out-of-range options
 */
export function visualPrompt(image: RasterImage, region: BinaryMask | PixelBox, options: VisualPromptOptions = {}): RgbImage {
  checkRasterImage(image);
  const { width, height } = image;
  let mask: BinaryMask;
  if ('data' in region) {
    checkMask(region, 'region');
    if (!isBinaryMask(region)) throw new ProcessorError('PROCESSOR_INVALID_ARGUMENT', 'visualPrompt needs a binary region mask; threshold it first (thresholdMask).');
    checkSameSize(image, region, 'visualPrompt');
    mask = region;
  } else {
    mask = boxToMask(width, height, region);
  }
  const object = maskBoundingBox(mask);
  if (object === undefined) throw new ProcessorError('PROCESSOR_EMPTY_MASK', 'visualPrompt: the region mask has no foreground pixel.');
  const darken = checkNumber(options.darken ?? 1, 'darken', 0, 1);
  const sigma = checkNumber(options.blur ?? 0, 'blur', 0);
  const rgb = toRgb(image);
  const out = rgb.data.slice();
  const n = width * height;
  if (sigma > 0) {
    const blurred = convolveSeparable(rgb.data, width, height, 3, gaussianKernel(sigma));
    for (let i = 0; i < n; i++) {
      if (mask.data[i] === 1) continue;
      for (let c = 0; c < 3; c++) out[3 * i + c] = Math.min(255, Math.max(0, Math.round(blurred[3 * i + c]!)));
    }
  }
  if (darken !== 1) {
    for (let i = 0; i < n; i++) {
      if (mask.data[i] === 1) continue;
      for (let c = 0; c < 3; c++) out[3 * i + c] = Math.round(out[3 * i + c]! * darken);
    }
  }
  const result: RgbImage = { width, height, channels: 3, data: out };
  if (!options.crop) return result;
  return cropImage(result, cropBox(object, options.crop === true ? {} : options.crop, width, height));
}

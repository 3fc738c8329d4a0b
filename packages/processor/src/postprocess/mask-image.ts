import { ProcessorError } from '../errors.js';
import { checkRasterImage } from '../image/raster-image.js';
import type { RasterImage, RasterImage8 } from '../image/raster-image.js';
import { toRgb } from '../image/to-rgb.js';
import { checkMask, checkSameSize } from '../mask/mask.js';
import type { Mask } from '../mask/mask.js';

/** An RGBA colour, each channel 0–255. */
export type RgbaColor = readonly [r: number, g: number, b: number, a: number];

/** Options of {@link maskToRgba}. */
export interface MaskToRgbaOptions {
  /** Colour where the mask is 1; default opaque white `[255, 255, 255, 255]`. */
  readonly foreground?: RgbaColor;
  /** Colour where the mask is 0; default transparent black `[0, 0, 0, 0]`. */
  readonly background?: RgbaColor;
}

const toByte = (v: number): number => (v > 1 ? 255 : v > 0 ? Math.round(v * 255) : 0);

function checkRgba(color: RgbaColor, name: string): void {
  if (!Array.isArray(color) || color.length !== 4 || !color.every((c) => Number.isInteger(c) && c >= 0 && c <= 255)) {
    throw new ProcessorError('PROCESSOR_INVALID_ARGUMENT', `${name} must be [r, g, b, a] with integers 0–255, got ${JSON.stringify(color)}.`);
  }
}

/**
 * A one-channel 8-bit image of a mask, ready for a PNG encoder: binary masks give 0/255, soft masks
 * `round(clamp(v, 0, 1) · 255)`.
 * @throws {@link ProcessorError} as {@link checkMask}
 */
export function maskToGray(mask: Mask): RasterImage8 {
  checkMask(mask);
  const out = new Uint8Array(mask.data.length);
  for (let i = 0; i < out.length; i++) out[i] = toByte(mask.data[i]!);
  return { width: mask.width, height: mask.height, channels: 1, data: out };
}

/**
 * A four-channel 8-bit image of a mask, ready for a PNG encoder: each channel is
 * `round(background + (foreground − background) · m)` with `m` the mask value clamped to [0, 1], so a binary mask
 * gives exactly the two colours and a soft mask blends between them.
 * @throws {@link ProcessorError} as {@link checkMask}, and for a bad colour
 */
export function maskToRgba(mask: Mask, options: MaskToRgbaOptions = {}): RasterImage8 {
  checkMask(mask);
  const fg = options.foreground ?? [255, 255, 255, 255];
  const bg = options.background ?? [0, 0, 0, 0];
  checkRgba(fg, 'foreground');
  checkRgba(bg, 'background');
  const n = mask.data.length;
  const out = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) {
    const v = mask.data[i]!;
    const m = v > 1 ? 1 : v > 0 ? v : 0;
    for (let c = 0; c < 4; c++) out[4 * i + c] = Math.round(bg[c]! + (fg[c]! - bg[c]!) * m);
  }
  return { width: mask.width, height: mask.height, channels: 4, data: out };
}

/**
 * Cuts the masked part out of an image: its RGB (after {@link toRgb}) with the mask as alpha
 * (`round(clamp(v, 0, 1) · 255)`), an RGBA image ready for a PNG encoder.
 * @throws {@link ProcessorError} `PROCESSOR_SIZE_MISMATCH` when the sizes differ, and as {@link checkMask}
 */
export function cutoutImage(image: RasterImage, mask: Mask): RasterImage8 {
  checkRasterImage(image);
  checkMask(mask);
  checkSameSize(image, mask, 'cutoutImage');
  const rgb = toRgb(image).data;
  const n = mask.data.length;
  const out = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) {
    out[4 * i] = rgb[3 * i]!;
    out[4 * i + 1] = rgb[3 * i + 1]!;
    out[4 * i + 2] = rgb[3 * i + 2]!;
    out[4 * i + 3] = toByte(mask.data[i]!);
  }
  return { width: mask.width, height: mask.height, channels: 4, data: out };
}

import { checkNumber, ProcessorError } from '../errors.js';
import { checkRasterImage } from '../image/raster-image.js';
import type { RasterImage, RasterImage8, RgbImage } from '../image/raster-image.js';
import { toRgb } from '../image/to-rgb.js';
import { checkMask, checkSameSize } from '../mask/mask.js';
import type { Mask } from '../mask/mask.js';
import { colormapIndex, colormapTable } from './colormaps.js';
import type { ColormapName } from './colormaps.js';

/** An RGB colour, each channel 0–255. */
export type RgbColor = readonly [r: number, g: number, b: number];

/** Options of {@link maskToHeatmap} and {@link overlayHeatmap}. */
export interface HeatmapOptions {
  /** Colormap; default `'viridis'`. */
  readonly colormap?: ColormapName;
}

/** Options of {@link overlayHeatmap}. */
export interface OverlayHeatmapOptions extends HeatmapOptions {
  /** Opacity of the heatmap over the image, 0–1; default 0.5. */
  readonly alpha?: number;
}

/** Options of {@link overlayMask}. */
export interface OverlayMaskOptions {
  /** Colour painted over the mask; default red `[255, 0, 0]`. */
  readonly color?: RgbColor;
  /** Opacity of the colour where the mask is 1, 0–1; default 0.5. Soft masks scale it per pixel. */
  readonly alpha?: number;
}

function checkColor(color: RgbColor, name: string): void {
  if (!Array.isArray(color) || color.length !== 3 || !color.every((c) => Number.isInteger(c) && c >= 0 && c <= 255)) {
    throw new ProcessorError('PROCESSOR_INVALID_ARGUMENT', `${name} must be [r, g, b] with integers 0–255, got ${JSON.stringify(color)}.`);
  }
}

const clampByte = (v: number): number => (v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v));

/**
 * Colours a mask with a colormap: value `v` (clamped to [0, 1]) picks entry `floor(v * 256)` (max 255) of the
 * table, as matplotlib's `cmap(v, bytes=True)` does for float input. Binary masks use the two end colours.
 * @throws {@link ProcessorError} as {@link checkMask} and {@link colormapTable}
 */
export function maskToHeatmap(mask: Mask, options: HeatmapOptions = {}): RgbImage {
  checkMask(mask);
  const table = colormapTable(options.colormap ?? 'viridis');
  const n = mask.width * mask.height;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    const t = 3 * colormapIndex(mask.data[i]!);
    out[3 * i] = table[t]!;
    out[3 * i + 1] = table[t + 1]!;
    out[3 * i + 2] = table[t + 2]!;
  }
  return { width: mask.width, height: mask.height, channels: 3, data: out };
}

/**
 * Blends a colormapped mask over an image: `round(image · (1 − alpha) + heatmap · alpha)` per channel, with an opaque
 * alpha channel. The image is converted with {@link toRgb} first.
 * @throws {@link ProcessorError} `PROCESSOR_SIZE_MISMATCH` when image and mask sizes differ (resize the mask to the
 *   image with {@link resizeMask} or `logitsToMasks`), `PROCESSOR_INVALID_ARGUMENT` for alpha outside [0, 1]
 */
export function overlayHeatmap(image: RasterImage, mask: Mask, options: OverlayHeatmapOptions = {}): RasterImage8 {
  checkRasterImage(image);
  checkMask(mask);
  checkSameSize(image, mask, 'overlayHeatmap');
  const alpha = checkNumber(options.alpha ?? 0.5, 'alpha', 0, 1);
  const rgb = toRgb(image).data;
  const heat = maskToHeatmap(mask, options).data;
  const n = mask.width * mask.height;
  const out = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) out[4 * i + c] = clampByte(rgb[3 * i + c]! * (1 - alpha) + heat[3 * i + c]! * alpha);
    out[4 * i + 3] = 255;
  }
  return { width: mask.width, height: mask.height, channels: 4, data: out };
}

/**
 * Paints a colour over the masked part of an image: per pixel, with `m` the mask value clamped to [0, 1],
 * `round(image · (1 − alpha·m) + color · alpha·m)`, and an opaque alpha channel. The image is converted with
 * {@link toRgb} first.
 * @throws {@link ProcessorError} as {@link overlayHeatmap}, and for a bad colour
 */
export function overlayMask(image: RasterImage, mask: Mask, options: OverlayMaskOptions = {}): RasterImage8 {
  checkRasterImage(image);
  checkMask(mask);
  checkSameSize(image, mask, 'overlayMask');
  const alpha = checkNumber(options.alpha ?? 0.5, 'alpha', 0, 1);
  const color = options.color ?? [255, 0, 0];
  checkColor(color, 'color');
  const rgb = toRgb(image).data;
  const n = mask.width * mask.height;
  const out = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) {
    const v = mask.data[i]!;
    const a = alpha * (v > 1 ? 1 : v > 0 ? v : 0);
    for (let c = 0; c < 3; c++) out[4 * i + c] = clampByte(rgb[3 * i + c]! * (1 - a) + color[c]! * a);
    out[4 * i + 3] = 255;
  }
  return { width: mask.width, height: mask.height, channels: 4, data: out };
}

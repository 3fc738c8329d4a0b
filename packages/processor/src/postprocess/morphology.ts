import { ProcessorError, checkInteger } from '../errors.js';
import { checkMask, isBinaryMask } from '../mask/mask.js';
import type { BinaryMask } from '../mask/mask.js';

/** Structuring element of {@link dilateMask} / {@link erodeMask}. */
export type StructuringElement = 'square' | 'disc';

/** Options of {@link dilateMask} and {@link erodeMask}. */
export interface MorphologyOptions {
  /** `'square'` (the `(2r+1)²` box, default) or `'disc'` (offsets with `dx² + dy² ≤ r²`). */
  readonly element?: StructuringElement;
}

/** Half-widths of the element's rows, for dy = -r … r. */
function rowHalfWidths(radius: number, element: StructuringElement): Int32Array {
  const widths = new Int32Array(2 * radius + 1);
  for (let dy = -radius; dy <= radius; dy++) {
    widths[dy + radius] = element === 'square' ? radius : Math.floor(Math.sqrt(radius * radius - dy * dy));
  }
  return widths;
}

/**
 * Binary dilation (`target` 1) or erosion (`target` 0): a pixel takes `target` when any pixel under the element
 * centred on it has `target`. Pixels outside the image are ignored (the element is clipped at the border), so
 * erosion does not eat in from the image edge, like OpenCV's default.
 */
function morph(mask: BinaryMask, radius: number, element: StructuringElement, target: 0 | 1): BinaryMask {
  const { width, height, data } = mask;
  // prefix[y][x] = count of `target` pixels in row y before column x
  const prefix = new Int32Array(height * (width + 1));
  for (let y = 0; y < height; y++) {
    let count = 0;
    const p = y * (width + 1);
    for (let x = 0; x < width; x++) {
      prefix[p + x] = count;
      if (data[y * width + x] === target) count++;
    }
    prefix[p + width] = count;
  }
  const halfWidths = rowHalfWidths(radius, element);
  const out = new Uint8Array(width * height).fill(1 - target);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let dy = -radius; dy <= radius; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        const w = halfWidths[dy + radius]!;
        const x0 = x - w < 0 ? 0 : x - w;
        const x1 = x + w + 1 > width ? width : x + w + 1;
        const p = yy * (width + 1);
        if (prefix[p + x1]! - prefix[p + x0]! > 0) {
          out[y * width + x] = target;
          break;
        }
      }
    }
  }
  return { width, height, data: out };
}

function check(mask: BinaryMask, radius: number, options: MorphologyOptions, what: string): StructuringElement {
  checkMask(mask);
  if (!isBinaryMask(mask)) {
    throw new ProcessorError('PROCESSOR_INVALID_ARGUMENT', `${what} needs a binary mask (Uint8Array of 0/1); threshold soft masks first (thresholdMask).`);
  }
  checkInteger(radius, 'radius', 0, 10_000);
  const element = options.element ?? 'square';
  if (element !== 'square' && element !== 'disc') {
    throw new ProcessorError('PROCESSOR_INVALID_ARGUMENT', `element must be 'square' or 'disc', got ${JSON.stringify(element)}.`);
  }
  return element;
}

/**
 * Binary dilation: grows the foreground by `radius` pixels with a square (default) or disc structuring element.
 * Radius 0 copies.
 * @throws {@link ProcessorError} `PROCESSOR_INVALID_ARGUMENT` for a soft mask, a negative or fractional radius or an
 *   unknown element
 */
export function dilateMask(mask: BinaryMask, radius: number, options: MorphologyOptions = {}): BinaryMask {
  const element = check(mask, radius, options, 'dilateMask');
  return morph(mask, radius, element, 1);
}

/**
 * Binary erosion: shrinks the foreground by `radius` pixels with a square (default) or disc structuring element.
 * The element is clipped at the image border (outside pixels count as neither), so foreground touching the border
 * is not eroded from that side. Radius 0 copies.
 * @throws {@link ProcessorError} as {@link dilateMask}
 */
export function erodeMask(mask: BinaryMask, radius: number, options: MorphologyOptions = {}): BinaryMask {
  const element = check(mask, radius, options, 'erodeMask');
  return morph(mask, radius, element, 0);
}

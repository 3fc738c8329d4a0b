import { ProcessorError } from '../errors.js';
import { checkMask, isBinaryMask } from '../mask/mask.js';
import type { BinaryMask } from '../mask/mask.js';

/**
 * COCO's uncompressed run-length encoding of a binary mask: `size` is `[height, width]`; `counts` are run lengths
 * over the pixels in **column-major** (Fortran) order, i.e. down the first column, then down the second …,
 * alternating background and foreground and always starting with background (so `counts[0]` may be 0). This is
 * the `{"size": [h, w], "counts": [...]}` object of COCO annotations with `iscrowd: 1`, and what pycocotools'
 * `frPyObjects` accepts.
 */
export interface CocoRle {
  /** `[height, width]`. */
  readonly size: readonly [height: number, width: number];
  /** Alternating run lengths, background first. */
  readonly counts: readonly number[];
}

/** COCO's compressed RLE: the same `size` and the counts as pycocotools' string form. */
export interface CocoCompressedRle {
  /** `[height, width]`. */
  readonly size: readonly [height: number, width: number];
  /** The counts in pycocotools' `rleToString` encoding. */
  readonly counts: string;
}

/**
 * Encodes a binary mask as COCO's uncompressed RLE (column-major; see {@link CocoRle}).
 * @throws {@link ProcessorError} `PROCESSOR_INVALID_ARGUMENT` for a soft mask, and as {@link checkMask}
 */
export function maskToRle(mask: BinaryMask): CocoRle {
  checkMask(mask);
  if (!isBinaryMask(mask)) throw new ProcessorError('PROCESSOR_INVALID_ARGUMENT', 'maskToRle needs a binary mask; threshold it first (thresholdMask).');
  const { width, height, data } = mask;
  const counts: number[] = [];
  let current = 0;
  let run = 0;
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) {
      const v = data[y * width + x]!;
      if (v !== current) {
        counts.push(run);
        run = 0;
        current = v;
      }
      run++;
    }
  }
  counts.push(run);
  return { size: [height, width], counts };
}

/**
 * Decodes COCO's RLE, uncompressed (`counts` an array) or compressed (`counts` a string), back into a binary mask.
 * @throws {@link ProcessorError} `PROCESSOR_INVALID_SHAPE` when the counts do not add up to `height × width`, are
 *   negative or fractional, or the string is malformed
 */
export function rleToMask(rle: CocoRle | CocoCompressedRle): BinaryMask {
  const bad = (message: string): never => {
    throw new ProcessorError('PROCESSOR_INVALID_SHAPE', `RLE: ${message}`);
  };
  const [height, width] = Array.isArray(rle?.size) ? rle.size : bad('size must be [height, width].');
  if (!Number.isSafeInteger(height) || !Number.isSafeInteger(width) || height < 1 || width < 1) bad(`size ${JSON.stringify(rle.size)} is not positive integers.`);
  const counts = typeof rle.counts === 'string' ? decodeRleCounts(rle.counts) : rle.counts;
  if (!Array.isArray(counts)) bad('counts must be an array of run lengths or a compressed string.');
  const data = new Uint8Array(width * height);
  let pos = 0;
  counts.forEach((run, i) => {
    if (!Number.isSafeInteger(run) || run < 0) bad(`counts[${i}] = ${String(run)} is not a non-negative integer.`);
    if (pos + run > data.length) bad(`the counts add up to more than ${height} × ${width} = ${data.length} pixels.`);
    if (i % 2 === 1) {
      for (let p = pos; p < pos + run; p++) data[(p % height) * width + Math.floor(p / height)] = 1;
    }
    pos += run;
  });
  if (pos !== data.length) bad(`the counts add up to ${pos} pixels, not ${height} × ${width} = ${data.length}.`);
  return { width, height, data };
}

/**
 * pycocotools' `rleToString`: each count (from the fourth on, as the difference to the count two before) as a
 * little-endian sequence of 5-bit groups with a continuation bit, sign-extended, in the characters 48–111.
 */
export function encodeRleCounts(counts: readonly number[]): string {
  let s = '';
  counts.forEach((count, i) => {
    let x = i > 2 ? count - counts[i - 2]! : count;
    let more = true;
    while (more) {
      let c = x & 0x1f;
      x = Math.floor(x / 32); // arithmetic shift, exact beyond 32 bits
      more = c & 0x10 ? x !== -1 : x !== 0;
      if (more) c |= 0x20;
      s += String.fromCharCode(c + 48);
    }
  });
  return s;
}

/**
 * pycocotools' `rleFrString`: the inverse of {@link encodeRleCounts}.
 * @throws {@link ProcessorError} `PROCESSOR_INVALID_SHAPE` for characters outside 48–111 or a truncated count
 */
export function decodeRleCounts(text: string): number[] {
  const counts: number[] = [];
  let p = 0;
  while (p < text.length) {
    let x = 0;
    let k = 0;
    let more = true;
    let c = 0;
    while (more) {
      if (p >= text.length) throw new ProcessorError('PROCESSOR_INVALID_SHAPE', 'RLE: the compressed counts end in the middle of a number.');
      c = text.charCodeAt(p) - 48;
      if (c < 0 || c > 63) throw new ProcessorError('PROCESSOR_INVALID_SHAPE', `RLE: character ${JSON.stringify(text[p])} is not a compressed-count digit.`);
      x += (c & 0x1f) * 2 ** (5 * k);
      more = (c & 0x20) !== 0;
      p++;
      k++;
    }
    if (c & 0x10) x -= 2 ** (5 * k); // sign extension
    if (counts.length > 2) x += counts[counts.length - 2]!;
    counts.push(x);
  }
  return counts;
}

/**
 * The compressed form of {@link maskToRle}, as COCO result files store masks.
 * @throws {@link ProcessorError} as {@link maskToRle}
 */
export function maskToCompressedRle(mask: BinaryMask): CocoCompressedRle {
  const rle = maskToRle(mask);
  return { size: rle.size, counts: encodeRleCounts(rle.counts) };
}

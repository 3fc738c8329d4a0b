import { ProcessorError } from '../errors.js';

/**
 * A single-channel float map, row-major, top row first: probabilities in [0, 1] after a sigmoid (or raw logits
 * before one). `data.length` is `width * height`.
 */
export interface SoftMask {
  /** Columns. */
  readonly width: number;
  /** Rows. */
  readonly height: number;
  /** Values, row-major. */
  readonly data: Float32Array;
}

/** A binary mask, row-major, top row first: 1 for foreground, 0 for background. `data.length` is `width * height`. */
export interface BinaryMask {
  /** Columns. */
  readonly width: number;
  /** Rows. */
  readonly height: number;
  /** 0 or 1 per pixel, row-major. */
  readonly data: Uint8Array;
}

/** Either kind of mask. */
export type Mask = SoftMask | BinaryMask;

/** True when `mask` is a {@link BinaryMask} (its data is a `Uint8Array`). */
export function isBinaryMask(mask: Mask): mask is BinaryMask {
  return mask.data instanceof Uint8Array;
}

/**
 * Checks that `mask` is a well-formed {@link SoftMask} or {@link BinaryMask} (binary masks must hold only 0 and 1).
 * @throws {@link ProcessorError} `PROCESSOR_INVALID_SHAPE`, or `PROCESSOR_EMPTY_IMAGE` for a zero-size mask
 */
export function checkMask(mask: Mask, what = 'mask'): void {
  const fail = (message: string): never => {
    throw new ProcessorError('PROCESSOR_INVALID_SHAPE', `${what}: ${message}`, { details: { width: mask?.width, height: mask?.height } });
  };
  if (typeof mask !== 'object' || mask === null) fail('expected {width, height, data}.');
  const { width, height, data } = mask;
  if (!Number.isSafeInteger(width) || !Number.isSafeInteger(height) || width < 0 || height < 0) {
    fail(`width and height must be non-negative integers, got ${String(width)} × ${String(height)}.`);
  }
  if (width === 0 || height === 0) throw new ProcessorError('PROCESSOR_EMPTY_IMAGE', `${what} is empty (${width} × ${height}).`);
  if (!(data instanceof Float32Array) && !(data instanceof Uint8Array)) fail('data must be a Float32Array (soft) or a Uint8Array of 0/1 (binary).');
  if (data.length !== width * height) fail(`data has ${data.length} values but ${width} × ${height} needs ${width * height}.`);
  if (data instanceof Uint8Array) {
    for (let i = 0; i < data.length; i++) if (data[i]! > 1) fail(`a binary mask holds only 0 and 1, found ${data[i]!} at index ${i}.`);
  }
}

/**
 * Throws `PROCESSOR_SIZE_MISMATCH` unless `a` and `b` have the same width and height.
 * @param what - the operation, for the message
 */
export function checkSameSize(a: { width: number; height: number }, b: { width: number; height: number }, what: string): void {
  if (a.width !== b.width || a.height !== b.height) {
    throw new ProcessorError(
      'PROCESSOR_SIZE_MISMATCH',
      `${what}: sizes differ (${a.width} × ${a.height} vs ${b.width} × ${b.height}); resize one first (resizeMask).`,
      { details: { a: [a.width, a.height], b: [b.width, b.height] } },
    );
  }
}

/**
 * Builds a {@link SoftMask}, zero-filled when `data` is omitted.
 * @throws {@link ProcessorError} as {@link checkMask}
 */
export function createSoftMask(width: number, height: number, data?: Float32Array): SoftMask {
  const mask: SoftMask = { width, height, data: data ?? new Float32Array(Number.isSafeInteger(width * height) && width * height > 0 ? width * height : 0) };
  checkMask(mask);
  return mask;
}

/**
 * Builds a {@link BinaryMask}, zero-filled when `data` is omitted.
 * @throws {@link ProcessorError} as {@link checkMask}
 */
export function createBinaryMask(width: number, height: number, data?: Uint8Array): BinaryMask {
  const mask: BinaryMask = { width, height, data: data ?? new Uint8Array(Number.isSafeInteger(width * height) && width * height > 0 ? width * height : 0) };
  checkMask(mask);
  return mask;
}

/** A {@link SoftMask} copy of any mask (binary 0/1 become 0.0/1.0). */
export function toSoftMask(mask: Mask): SoftMask {
  checkMask(mask);
  return { width: mask.width, height: mask.height, data: Float32Array.from(mask.data) };
}

import { CLIPSegError } from '@clipseg/core';

/**
 * Stable codes of {@link ProcessorError}:
 *
 * - `PROCESSOR_INVALID_IMAGE`: a {@link RasterImage} is malformed (fractional or negative size, wrong data length,
 *   bad channel count or palette).
 * - `PROCESSOR_EMPTY_IMAGE`: an image, mask or crop has zero width or height.
 * - `PROCESSOR_UNSUPPORTED`: valid input this package does not handle (a 16-bit image where 8 bits are needed, an
 *   unknown resampling filter …).
 * - `PROCESSOR_INVALID_ARGUMENT`: an option is out of range (threshold, sigma, radius, EXIF orientation, box …).
 * - `PROCESSOR_SIZE_MISMATCH`: two inputs that must have the same size do not.
 * - `PROCESSOR_INVALID_SHAPE`: a tensor or array has a shape that cannot be read as masks or pixel values.
 * - `PROCESSOR_EMPTY_BATCH`: an empty list where at least one item is needed.
 * - `PROCESSOR_EMPTY_MASK`: a mask with no foreground where one is needed (cropping to it).
 */
export type ProcessorErrorCode =
  | 'PROCESSOR_INVALID_IMAGE'
  | 'PROCESSOR_EMPTY_IMAGE'
  | 'PROCESSOR_UNSUPPORTED'
  | 'PROCESSOR_INVALID_ARGUMENT'
  | 'PROCESSOR_SIZE_MISMATCH'
  | 'PROCESSOR_INVALID_SHAPE'
  | 'PROCESSOR_EMPTY_BATCH'
  | 'PROCESSOR_EMPTY_MASK';

/** An image or mask operation got input it cannot process; `code` says which kind of problem. */
export class ProcessorError extends CLIPSegError<ProcessorErrorCode> {}

/** Throws `PROCESSOR_INVALID_ARGUMENT` unless `value` is a finite number in `[min, max]`. */
export function checkNumber(value: number, name: string, min = -Infinity, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    const range = min === -Infinity ? (max === Infinity ? 'a finite number' : `≤ ${max}`) : max === Infinity ? `≥ ${min}` : `in [${min}, ${max}]`;
    throw new ProcessorError('PROCESSOR_INVALID_ARGUMENT', `${name} must be ${range}, got ${String(value)}.`, { details: { [name]: value } });
  }
  return value;
}

/** Throws `PROCESSOR_INVALID_ARGUMENT` unless `value` is an integer in `[min, max]`. */
export function checkInteger(value: number, name: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ProcessorError('PROCESSOR_INVALID_ARGUMENT', `${name} must be an integer in [${min}, ${max}], got ${String(value)}.`, {
      details: { [name]: value },
    });
  }
  return value;
}

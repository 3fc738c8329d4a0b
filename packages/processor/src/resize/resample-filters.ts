import { PIL_RESAMPLE_NAMES } from '@clipseg/core';
import type { PilResample, PilResampleName } from '@clipseg/core';
import { ProcessorError } from '../errors.js';

/** A convolution filter of Pillow's `Resample.c`: the kernel and its support (half-width) at scale 1. */
export interface ResampleKernel {
  /** Name, as in {@link PIL_RESAMPLE_NAMES}. */
  readonly name: Exclude<PilResampleName, 'nearest'>;
  /** Support radius in source pixels before scaling by the downscale factor. */
  readonly support: number;
  /** The kernel, evaluated in float64 exactly as Pillow's C code does. */
  readonly kernel: (x: number) => number;
}

// Pillow writes the hamming window's constants as C floats (0.54f, 0.46f).
const F054 = Math.fround(0.54);
const F046 = Math.fround(0.46);

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = x * Math.PI;
  return Math.sin(px) / px;
}

/** Pillow's filters, by name, with its exact formulas (`box_filter`, `bilinear_filter` …). */
export const RESAMPLE_KERNELS: Readonly<Record<ResampleKernel['name'], ResampleKernel>> = Object.freeze({
  box: { name: 'box', support: 0.5, kernel: (x: number) => (x > -0.5 && x <= 0.5 ? 1 : 0) },
  bilinear: {
    name: 'bilinear',
    support: 1,
    kernel: (x: number) => {
      const a = x < 0 ? -x : x;
      return a < 1 ? 1 - a : 0;
    },
  },
  hamming: {
    name: 'hamming',
    support: 1,
    kernel: (x: number) => {
      const a = x < 0 ? -x : x;
      if (a === 0) return 1;
      if (a >= 1) return 0;
      const px = a * Math.PI;
      return (Math.sin(px) / px) * (F054 + F046 * Math.cos(px));
    },
  },
  bicubic: {
    name: 'bicubic',
    support: 2,
    kernel: (x: number) => {
      // Keys' cubic convolution with a = -0.5.
      const a = -0.5;
      const t = x < 0 ? -x : x;
      if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
      if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
      return 0;
    },
  },
  lanczos: { name: 'lanczos', support: 3, kernel: (x: number) => (x >= -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0) },
});

/** A resampling filter: a PIL code 0–5 or its name (`'bilinear'` …). */
export type ResampleFilter = PilResample | PilResampleName;

/**
 * Resolves a PIL code or name to a filter name.
 * @throws {@link ProcessorError} `PROCESSOR_UNSUPPORTED` for anything else
 */
export function resampleName(filter: ResampleFilter): PilResampleName {
  if (typeof filter === 'number' && Object.hasOwn(PIL_RESAMPLE_NAMES, filter)) return PIL_RESAMPLE_NAMES[filter];
  if (typeof filter === 'string' && (Object.values(PIL_RESAMPLE_NAMES) as string[]).includes(filter)) return filter;
  throw new ProcessorError(
    'PROCESSOR_UNSUPPORTED',
    `Unknown resampling filter ${JSON.stringify(filter)}. Use a PIL code 0–5 or one of ${Object.values(PIL_RESAMPLE_NAMES).join(', ')}.`,
    { details: { filter } },
  );
}

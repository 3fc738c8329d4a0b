import { isTensor } from '@clipseg/core';
import type { ImageSize, Tensor } from '@clipseg/core';
import { ProcessorError } from '../errors.js';
import type { SoftMask } from '../mask/mask.js';
import { resizeMask } from './resize-mask.js';

/**
 * The logistic sigmoid `1 / (1 + exp(-x))` of every value, rounded to float32 (`torch.sigmoid` in float32 agrees
 * within one float32 ulp).
 */
export function sigmoid(values: Float32Array): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = 1 / (1 + Math.exp(-values[i]!));
  return out;
}


/** Options of {@link logitsToMasks}. */
export interface LogitsToMasksOptions {
  /**
   * Size of each output mask, usually the original image's: one size for every mask, or one per mask. Default:
   * the logits' own size (no resize).
   */
  readonly size?: ImageSize | readonly ImageSize[];
  /** Shape of a bare `Float32Array` of logits (`[height, width]`); without it the array must be square. */
  readonly logitsSize?: ImageSize;
  /** Apply the sigmoid (default true). With false the masks hold (resized) logits. */
  readonly sigmoid?: boolean;
}

/** The logit maps of a tensor or bare array, as views. @internal */
export function splitLogits(logits: Tensor | Float32Array, logitsSize: ImageSize | undefined): SoftMask[] {
  const bad = (message: string): never => {
    throw new ProcessorError('PROCESSOR_INVALID_SHAPE', message);
  };
  if (logits instanceof Float32Array) {
    let { width, height } = logitsSize ?? { width: 0, height: 0 };
    if (logitsSize === undefined) {
      const side = Math.round(Math.sqrt(logits.length));
      if (side * side !== logits.length || side === 0) {
        bad(`${logits.length} logits are not a square map; pass logitsSize: {height, width}.`);
      }
      width = height = side;
    }
    if (!Number.isSafeInteger(width) || !Number.isSafeInteger(height) || width < 1 || height < 1 || width * height !== logits.length) {
      bad(`logitsSize ${JSON.stringify(logitsSize)} does not describe ${logits.length} values.`);
    }
    return [{ width, height, data: logits }];
  }
  if (!isTensor(logits) || logits.type !== 'float32') bad('logits must be a float32 Tensor or a Float32Array.');
  const dims = logits.dims;
  // [H, W] (HF squeezes a batch of one), [N, H, W], or [N, 1, H, W]
  const shape = dims.length === 2 ? [1, ...dims] : dims.length === 3 ? dims : dims.length === 4 && dims[1] === 1 ? [dims[0]!, dims[2]!, dims[3]!] : undefined;
  if (shape === undefined || shape.some((d) => d < 1)) bad(`logits of shape [${dims.join(', ')}] are not [H, W], [N, H, W] or [N, 1, H, W].`);
  const [n, height, width] = shape as [number, number, number];
  const data = logits.data as Float32Array;
  return Array.from({ length: n }, (_, i) => ({ width, height, data: data.subarray(i * width * height, (i + 1) * width * height) }));
}

/**
 * Each logit map with its resized version (the map itself when the size does not change).
 * @internal
 */
export function resizedLogits(logits: Tensor | Float32Array, options: Pick<LogitsToMasksOptions, 'size' | 'logitsSize'>): { map: SoftMask; resized: SoftMask }[] {
  const maps = splitLogits(logits, options.logitsSize);
  const sizes = options.size;
  if (Array.isArray(sizes) && sizes.length !== maps.length) {
    throw new ProcessorError('PROCESSOR_INVALID_SHAPE', `Got ${sizes.length} output sizes for ${maps.length} logit maps; give one size or one per map.`);
  }
  return maps.map((map, i) => {
    const size = Array.isArray(sizes) ? (sizes as readonly ImageSize[])[i]! : (sizes as ImageSize | undefined);
    return { map, resized: size === undefined || (size.width === map.width && size.height === map.height) ? map : resizeMask(map, size) };
  });
}

/**
 * Turns CLIPSeg logits into one {@link SoftMask} per prompt, as HF's examples do: resize the **logits** to the
 * image size with {@link resizeMask} (PyTorch's bilinear, `align_corners=False`), then apply the {@link sigmoid}.
 *
 * @param logits - `[H, W]`, `[N, H, W]` or `[N, 1, H, W]` float32 tensor, or a bare `Float32Array` `[H, W]`
 * @throws {@link ProcessorError} `PROCESSOR_INVALID_SHAPE` for an unreadable shape or a size list of the wrong
 *   length, `PROCESSOR_INVALID_ARGUMENT` for a bad size
 */
export function logitsToMasks(logits: Tensor | Float32Array, options: LogitsToMasksOptions = {}): SoftMask[] {
  return resizedLogits(logits, options).map(({ map, resized }) => {
    const data = options.sigmoid === false ? (resized === map ? map.data.slice() : resized.data) : sigmoid(resized.data);
    return { width: resized.width, height: resized.height, data };
  });
}

import { memoryFileSet, type CLIPSegPresetName } from '@clipseg/core';
import { convertCheckpoint, type ConvertedBundle, type ConvertOptions } from '../bundle/convert-checkpoint.js';
import type { WeightDType } from '../graphs/weight-store.js';
import { initRandomCheckpoint, type RandomCheckpoint } from './init-random.js';

/** What {@link defaultRandomBundle} builds: a random checkpoint of `preset` drawn with `seed`, converted with weights in `dtype`. */
export interface RandomBundleRecipe {
  /** Architecture preset. */
  readonly preset: CLIPSegPresetName;
  /** Seed of {@link initRandomCheckpoint}. */
  readonly seed: number;
  /** Weight storage of the bundle. */
  readonly dtype: WeightDType;
}

/**
 * The recipe of the built-in default model that the `clipseg` CLI (when no `--model` is given) and the playground
 * build offline: a `tiny` CLIPSeg with random weights (seed 0, synthetic tokenizer), fp32. Its masks are meaningless.
 * Changing it changes the default model everywhere: bump `@clipseg/cli`'s `DEFAULT_BUNDLE_NAME` so caches rebuild.
 */
export const DEFAULT_RANDOM_RECIPE: RandomBundleRecipe = Object.freeze({ preset: 'tiny', seed: 0, dtype: 'fp32' });

/**
 * The files of a random checkpoint as an HF checkpoint folder holds them: its small files (config, preprocessor
 * config, tokenizer files) and its weights joined into one `model.safetensors`.
 *
 * @param checkpoint - from {@link initRandomCheckpoint}; its weight chunks are consumed
 * @returns file name → bytes
 */
export function randomCheckpointFiles(checkpoint: RandomCheckpoint): Record<string, Uint8Array> {
  const weights = new Uint8Array(checkpoint.weightBytes);
  let offset = 0;
  for (const chunk of checkpoint.weights) {
    weights.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ...checkpoint.files, 'model.safetensors': weights };
}

/** Options of {@link defaultRandomBundle}. */
export type DefaultRandomBundleOptions = Pick<ConvertOptions, 'sha256' | 'signal'>;

/**
 * Builds the built-in default model from {@link DEFAULT_RANDOM_RECIPE}: the random checkpoint converted to an ONNX
 * bundle with {@link convertCheckpoint}. Offline and deterministic (about 7 MB, half a second); the same bytes in the
 * CLI's cache and in the playground.
 *
 * @param options - a faster `sha256` (e.g. Node's), a cancellation `signal`
 * @throws {@link ConvertError} `CONVERT_ABORTED` when `signal` aborts
 */
export function defaultRandomBundle(options: DefaultRandomBundleOptions = {}): Promise<ConvertedBundle> {
  const { preset, seed, dtype } = DEFAULT_RANDOM_RECIPE;
  const files = memoryFileSet(randomCheckpointFiles(initRandomCheckpoint(preset, { seed })), `built-in ${preset} random checkpoint`);
  return convertCheckpoint(files, { ...options, dtype });
}

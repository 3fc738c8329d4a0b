import { SeededRandom } from '@clipseg/convert';
import { TrainDataError } from '../data/train-data-error.js';

/**
 * The random source of the synthetic data: `@clipseg/convert`'s {@link SeededRandom} (xoshiro128**), the project's one
 * seeded generator. A number is a seed.
 */
export type SceneRandomSource = SeededRandom | number;

/** The generator for `source`: itself, or a new one seeded with the number. */
export function sceneRandom(source: SceneRandomSource): SeededRandom {
  if (source instanceof SeededRandom) return source;
  checkSeed(source, 'seed');
  return new SeededRandom(mixSeed(source, 0));
}

/**
 * A 32-bit seed for item `index` of a stream seeded with `seed` (two rounds of a 32-bit finaliser over both), so
 * that item `index` can be made on its own, in any order.
 */
export function mixSeed(seed: number, index: number): number {
  let h = Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.floor(seed / 2 ** 32);
  h = Math.imul(h ^ (h >>> 15), 0xc2b2ae35) ^ Math.imul(index >>> 0, 0x27d4eb2f) ^ Math.floor(index / 2 ** 32);
  h = Math.imul(h ^ (h >>> 13), 0x165667b1);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A uniform integer in `[min, max]`. */
export function randomInt(rng: SeededRandom, min: number, max: number): number {
  return min + rng.nextInt(max - min + 1);
}

/** A uniform float in `[min, max)`. */
export function randomFloat(rng: SeededRandom, min: number, max: number): number {
  return min + rng.nextUnit() * (max - min);
}

/** A uniform element of a non-empty list. */
export function pick<T>(rng: SeededRandom, items: readonly T[]): T {
  return items[rng.nextInt(items.length)]!;
}

/** True with probability `p`. */
export function chance(rng: SeededRandom, p: number): boolean {
  return rng.nextUnit() < p;
}

/** A shuffled copy (Fisher–Yates). */
export function shuffled<T>(rng: SeededRandom, items: readonly T[]): T[] {
  return rng.shuffle([...items]);
}

/** @throws {@link TrainDataError} `TRAIN_DATA_INVALID_ARGUMENT` unless `value` is a non-negative safe integer */
export function checkSeed(value: unknown, name: string): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new TrainDataError('TRAIN_DATA_INVALID_ARGUMENT', `${name} must be a non-negative safe integer, not ${String(value)}.`);
  }
}

import { hash53 } from '../random/hash53.js';
import { TrainDataError } from './train-data-error.js';

/** Options of {@link splitDataset}. */
export interface SplitDatasetOptions {
  /** Share of the images held out for validation, in [0, 1]. */
  readonly validationFraction: number;
  /** Any integer; the same seed gives the same split. Default 0. */
  readonly seed?: number;
}

/** The two sides of a {@link splitDataset}. */
export interface DatasetSplit<Item> {
  /** Items to train on, in their input order. */
  readonly train: Item[];
  /** Items held out for validation, in their input order. */
  readonly validation: Item[];
}

/**
 * Splits items into training and validation **by image**: every item of one image lands on the same side, so the
 * validation IoU is measured on images the model never trained on. Each distinct image name gets a 53-bit hash of
 * (seed, name); the `round(images × validationFraction)` images with the smallest hashes (ties by name) are held
 * out — at least one when the fraction is above 0 and there are two images or more, and never all of them when the
 * fraction is below 1. The split depends only on the seed and the set of image names, not on the items' order, so
 * adding an image moves no other image across.
 *
 * @throws {@link TrainDataError} `TRAIN_DATA_INVALID_ARGUMENT` for a fraction outside [0, 1] or a seed that is not
 *   a safe integer
 */
export function splitDataset<Item extends { readonly image: string }>(items: readonly Item[], options: SplitDatasetOptions): DatasetSplit<Item> {
  const { validationFraction } = options;
  const seed = options.seed ?? 0;
  if (typeof validationFraction !== 'number' || !(validationFraction >= 0 && validationFraction <= 1)) {
    throw new TrainDataError('TRAIN_DATA_INVALID_ARGUMENT', `validationFraction must be a number in [0, 1], not ${String(validationFraction)}.`);
  }
  if (!Number.isSafeInteger(seed)) throw new TrainDataError('TRAIN_DATA_INVALID_ARGUMENT', `seed must be a safe integer, not ${String(seed)}.`);
  const images = [...new Set(items.map((item) => item.image))];
  const keyed = images.map((name) => ({ name, key: hash53(name, seed) }));
  keyed.sort((a, b) => a.key - b.key || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let held = Math.round(images.length * validationFraction);
  if (validationFraction > 0 && images.length >= 2) held = Math.max(held, 1);
  if (validationFraction < 1) held = Math.min(held, images.length - 1);
  held = Math.max(held, 0);
  const validationImages = new Set(keyed.slice(0, held).map((entry) => entry.name));
  const train: Item[] = [];
  const validation: Item[] = [];
  for (const item of items) (validationImages.has(item.image) ? validation : train).push(item);
  return { train, validation };
}

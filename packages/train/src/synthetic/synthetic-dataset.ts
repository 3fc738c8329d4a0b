import { SeededRandom } from '@clipseg/convert';
import type { BinaryMask, RgbImage } from '@clipseg/processor';
import { TrainDataError } from '../data/train-data-error.js';
import { generateScene, resolveSceneOptions } from './generate-scene.js';
import type { SceneObject, SceneOptions, SyntheticScene } from './generate-scene.js';
import { checkSeed, mixSeed, randomInt } from './scene-random.js';
import type { PromptDescription } from './scene-prompts.js';
import { negativePrompt, positivePrompt } from './scene-prompts.js';

/** Options of {@link syntheticDataset} and {@link syntheticItem}: the scenes' options, and how prompts are drawn. */
export interface SyntheticDatasetOptions extends SceneOptions {
  /** Chance that an item's prompt is a negative (matches nothing, empty mask), in [0, 1]. Default 0.2. */
  readonly negativeRate?: number;
  /** Consecutive items that share one scene (each with its own prompt). Default 1. */
  readonly promptsPerScene?: number;
}

/** One training example: an image, a prompt and the prompt's target mask. */
export interface SyntheticItem {
  /** Position in the dataset. */
  readonly index: number;
  /** The scene's number (`floor(index / promptsPerScene)`). */
  readonly sceneIndex: number;
  /** The scene's picture, RGB. */
  readonly image: RgbImage;
  /** The prompt's text. */
  readonly prompt: string;
  /** What the prompt says. */
  readonly description: PromptDescription;
  /** The target at the image's size: the referred object's mask, or all 0 for a negative. */
  readonly mask: BinaryMask;
  /** True when the prompt matches no object. */
  readonly negative: boolean;
  /** The scene's objects (with their own masks). */
  readonly objects: readonly SceneObject[];
}

interface Resolved {
  readonly scene: SceneOptions;
  readonly negativeRate: number;
  readonly promptsPerScene: number;
}

function resolve(options: SyntheticDatasetOptions): Resolved {
  const { negativeRate: rate = 0.2, promptsPerScene = 1, ...scene } = options;
  resolveSceneOptions(scene);
  if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) throw new TrainDataError('TRAIN_DATA_INVALID_ARGUMENT', `negativeRate must be a number in [0, 1], not ${String(rate)}.`);
  if (!Number.isSafeInteger(promptsPerScene) || promptsPerScene < 1 || promptsPerScene > 1000) {
    throw new TrainDataError('TRAIN_DATA_INVALID_ARGUMENT', `promptsPerScene must be an integer in [1, 1000], not ${String(promptsPerScene)}.`);
  }
  return { scene, negativeRate: rate, promptsPerScene };
}

function sceneOf(seed: number, sceneIndex: number, options: SceneOptions): SyntheticScene {
  return generateScene(new SeededRandom(mixSeed(seed, 2 * sceneIndex)), options);
}

function itemOf(seed: number, index: number, scene: SyntheticScene, sceneIndex: number, r: Resolved): SyntheticItem {
  const rng = new SeededRandom(mixSeed(mixSeed(seed, 2 * sceneIndex + 1), index % r.promptsPerScene));
  const wantNegative = rng.nextUnit() < r.negativeRate;
  const kinds = r.scene.kinds;
  const colours = r.scene.colours;
  const prompt =
    (wantNegative || scene.objects.length === 0 ? negativePrompt(scene, rng, { ...(kinds ? { kinds } : {}), ...(colours ? { colours } : {}) }) : undefined) ??
    positivePrompt(scene, randomInt(rng, 0, scene.objects.length - 1), rng);
  return { index, sceneIndex, image: scene.image, prompt: prompt.text, description: prompt.description, mask: prompt.mask, negative: prompt.negative, objects: scene.objects };
}

/**
 * Item `index` of the synthetic dataset seeded with `seed`, made on its own (the same item {@link syntheticDataset}
 * yields at that position): scene `floor(index / promptsPerScene)` from {@link generateScene}, then a negative prompt
 * with probability `negativeRate`, else a positive prompt for a uniformly drawn object of the scene.
 *
 * @throws {@link TrainDataError} `TRAIN_DATA_INVALID_ARGUMENT` for a bad seed, index or option
 */
export function syntheticItem(seed: number, index: number, options: SyntheticDatasetOptions = {}): SyntheticItem {
  checkSeed(seed, 'seed');
  checkSeed(index, 'index');
  const r = resolve(options);
  const sceneIndex = Math.floor(index / r.promptsPerScene);
  return itemOf(seed, index, sceneOf(seed, sceneIndex, r.scene), sceneIndex, r);
}

/**
 * The synthetic dataset seeded with `seed`: `count` items (image, prompt, target mask), item `i` equal to
 * `syntheticItem(seed, i, options)`; consecutive items of one scene share its image (drawn once). Lazy: each item is
 * drawn when asked for.
 *
 * @throws {@link TrainDataError} `TRAIN_DATA_INVALID_ARGUMENT` for a bad seed, count or option (when called)
 */
export function syntheticDataset(seed: number, count: number, options: SyntheticDatasetOptions = {}): Generator<SyntheticItem, void, undefined> {
  checkSeed(seed, 'seed');
  checkSeed(count, 'count');
  const r = resolve(options);
  return (function* () {
    let scene: SyntheticScene | undefined;
    let current = -1;
    for (let index = 0; index < count; index++) {
      const sceneIndex = Math.floor(index / r.promptsPerScene);
      if (sceneIndex !== current) {
        scene = sceneOf(seed, sceneIndex, r.scene);
        current = sceneIndex;
      }
      yield itemOf(seed, index, scene!, sceneIndex, r);
    }
  })();
}

/**
 * `count` prompt texts of the synthetic dataset seeded with `seed` (drawn on small 64 × 64 scenes, which changes the
 * layouts but not the grammar): a corpus to learn a tokenizer on, e.g. with `learnBpe`.
 */
export function syntheticPromptCorpus(seed: number, count: number, options: SyntheticDatasetOptions = {}): string[] {
  const texts: string[] = [];
  for (const item of syntheticDataset(seed, count, { width: 64, ...options })) texts.push(item.prompt);
  return texts;
}

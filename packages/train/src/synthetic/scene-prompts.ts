import type { SeededRandom } from '@clipseg/convert';
import type { BinaryMask } from '@clipseg/processor';
import { TrainDataError } from '../data/train-data-error.js';
import type { SceneObject, SyntheticScene } from './generate-scene.js';
import { chance, pick, sceneRandom } from './scene-random.js';
import type { SceneRandomSource } from './scene-random.js';
import {
  CENTRE_PHRASES,
  COLOUR_WORDS,
  COLUMN_PHRASES,
  CORNER_PHRASES,
  GENERIC_NOUNS,
  KIND_NOUNS,
  PROMPT_TEMPLATES,
  ROW_PHRASES,
  SCENE_COLOUR_NAMES,
  SCENE_OBJECT_KINDS,
  SHAPE_KINDS,
  SIZE_WORDS,
} from './scene-vocabulary.js';
import type { SceneColourName, SceneObjectKind, SceneSize } from './scene-vocabulary.js';

/**
 * What a prompt says, before it is worded: a noun (a kind, any object, or any flat shape) and optional attributes.
 * An object matches when it has every attribute given.
 */
export interface PromptDescription {
  /** A kind, `'thing'` (any object) or `'shape'` (circle, square, triangle or star). */
  readonly noun: SceneObjectKind | 'thing' | 'shape';
  readonly colour?: SceneColourName;
  readonly size?: SceneSize;
  /** Left or right third (`centre` is only said through {@link PromptDescription.centre}). */
  readonly column?: 'left' | 'right';
  /** Top or bottom third. */
  readonly row?: 'top' | 'bottom';
  /** The central cell (centre column and middle row). */
  readonly centre?: boolean;
}

/** One prompt for a scene, with its target. */
export interface ScenePrompt {
  /** The prompt, lower-case English, e.g. `the small blue square on the left`. */
  readonly text: string;
  /** What it says. */
  readonly description: PromptDescription;
  /** Indices (into the scene's objects) of the objects it refers to: one for a positive prompt, none for a negative. */
  readonly targets: readonly number[];
  /** The union of the targets' masks (all 0 for a negative prompt). */
  readonly mask: BinaryMask;
  /** True when no object of the scene matches. */
  readonly negative: boolean;
}

/** Options of {@link scenePrompts}. */
export interface ScenePromptOptions {
  /** Positive prompts per object. Default 1. */
  readonly positivesPerObject?: number;
  /** Negative prompts per scene (fewer when none can be found). Default 1. */
  readonly negatives?: number;
  /** Kinds negatives may name. Default: all. */
  readonly kinds?: readonly SceneObjectKind[];
  /** Colours negatives may name. Default: all. */
  readonly colours?: readonly SceneColourName[];
}

/** True when `object` has every attribute of `description`. */
export function matchesDescription(object: SceneObject, description: PromptDescription): boolean {
  const { noun } = description;
  if (noun === 'shape' ? !SHAPE_KINDS.includes(object.kind) : noun !== 'thing' && noun !== object.kind) return false;
  if (description.colour !== undefined && description.colour !== object.colour) return false;
  if (description.size !== undefined && description.size !== object.size) return false;
  if (description.column !== undefined && description.column !== object.column) return false;
  if (description.row !== undefined && description.row !== object.row) return false;
  if (description.centre === true && (object.column !== 'centre' || object.row !== 'middle')) return false;
  return true;
}

/** Indices of the scene's objects that match `description`. */
export function matchingObjects(scene: SyntheticScene, description: PromptDescription): number[] {
  const out: number[] = [];
  scene.objects.forEach((object, index) => {
    if (matchesDescription(object, description)) out.push(index);
  });
  return out;
}

const VOWEL_START = /^[aeiou]/;

/**
 * Words `description` (synonyms and template drawn from `rng`): `[template] [article] [size] [colour] noun
 * [place]`, e.g. `a red ball`, `the house`, `a photo of the small blue square on the left`, `an orange thing`.
 */
export function describePrompt(description: PromptDescription, source: SceneRandomSource): string {
  const rng = sceneRandom(source);
  const { noun } = description;
  const words: string[] = [];
  if (description.size !== undefined) words.push(pick(rng, SIZE_WORDS[description.size]));
  if (description.colour !== undefined) words.push(pick(rng, COLOUR_WORDS[description.colour]));
  words.push(noun === 'thing' ? pick(rng, GENERIC_NOUNS.any) : noun === 'shape' ? pick(rng, GENERIC_NOUNS.shape) : pick(rng, KIND_NOUNS[noun]));
  if (description.centre === true) words.push(pick(rng, CENTRE_PHRASES));
  else if (description.column !== undefined && description.row !== undefined) {
    words.push(pick(rng, CORNER_PHRASES).replace('{row}', description.row).replace('{column}', description.column));
  } else if (description.column !== undefined) words.push(pick(rng, COLUMN_PHRASES[description.column]));
  else if (description.row !== undefined) words.push(pick(rng, ROW_PHRASES[description.row]));
  const template = pick(rng, PROMPT_TEMPLATES);
  const roll = rng.nextUnit();
  const article = template === '{np}' && roll < 0.2 ? '' : roll < 0.6 ? (VOWEL_START.test(words[0]!) ? 'an' : 'a') : 'the';
  const phrase = article === '' ? words.join(' ') : `${article} ${words.join(' ')}`;
  return template.replace('{np}', phrase);
}

function positionOptions(object: SceneObject): Pick<PromptDescription, 'column' | 'row' | 'centre'>[] {
  const column = object.column === 'left' || object.column === 'right' ? object.column : undefined;
  const row = object.row === 'top' || object.row === 'bottom' ? object.row : undefined;
  if (column === undefined && row === undefined) return [{ centre: true }];
  const options: Pick<PromptDescription, 'column' | 'row' | 'centre'>[] = [];
  if (column !== undefined) options.push({ column });
  if (row !== undefined) options.push({ row });
  if (column !== undefined && row !== undefined) options.push({ column, row });
  return options;
}

/** A random description of `object` that matches it and no other object of the scene. */
function positiveDescription(rng: SeededRandom, scene: SyntheticScene, index: number): PromptDescription {
  const object = scene.objects[index]!;
  const unique = (d: PromptDescription) => {
    const matches = matchingObjects(scene, d);
    return matches.length === 1 && matches[0] === index;
  };
  for (let attempt = 0; attempt < 24; attempt++) {
    const nounRoll = rng.nextUnit();
    const noun = nounRoll < 0.12 ? 'thing' : nounRoll < 0.18 && SHAPE_KINDS.includes(object.kind) ? 'shape' : object.kind;
    const d: PromptDescription = {
      noun,
      ...(chance(rng, noun === object.kind ? 0.5 : 0.8) ? { colour: object.colour } : {}),
      ...(chance(rng, 0.3) ? { size: object.size } : {}),
      ...(chance(rng, 0.3) ? pick(rng, positionOptions(object)) : {}),
    };
    if (unique(d)) return d;
  }
  // No two objects share kind, colour and size (generateScene's rule), so this one is unique.
  return { noun: object.kind, colour: object.colour, size: object.size };
}

/** A random description that matches no object of the scene, or `undefined` when none was found. */
function negativeDescription(rng: SeededRandom, scene: SyntheticScene, kinds: readonly SceneObjectKind[], colours: readonly SceneColourName[]): PromptDescription | undefined {
  const present = new Set(scene.objects.map((o) => o.kind));
  const absent = kinds.filter((k) => !present.has(k));
  for (let attempt = 0; attempt < 32; attempt++) {
    let d: PromptDescription;
    if (absent.length > 0 && chance(rng, 0.5)) {
      d = { noun: pick(rng, absent), ...(chance(rng, 0.5) ? { colour: pick(rng, colours) } : {}), ...(chance(rng, 0.2) ? { size: pick(rng, ['small', 'large'] as const) } : {}) };
    } else {
      const noun = chance(rng, 0.15) ? 'thing' : pick(rng, kinds);
      d = { noun, colour: pick(rng, colours), ...(chance(rng, 0.3) ? { size: pick(rng, ['small', 'large'] as const) } : {}) };
    }
    if (matchingObjects(scene, d).length === 0) return d;
  }
  return undefined;
}

function checkCount(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0 || value > 1000) {
    throw new TrainDataError('TRAIN_DATA_INVALID_ARGUMENT', `${name} must be an integer in [0, 1000], not ${String(value)}.`);
  }
  return value;
}

/** The prompt for a description: its wording, targets and mask. */
export function scenePrompt(scene: SyntheticScene, description: PromptDescription, source: SceneRandomSource): ScenePrompt {
  const { width, height } = scene.image;
  const targets = matchingObjects(scene, description);
  const data = new Uint8Array(width * height);
  for (const t of targets) {
    const mask = scene.objects[t]!.mask.data;
    for (let i = 0; i < data.length; i++) data[i]! |= mask[i]!;
  }
  return { text: describePrompt(description, source), description, targets, mask: { width, height, data }, negative: targets.length === 0 };
}

/**
 * Prompts for a scene from the grammar of {@link describePrompt}: for each object, `positivesPerObject` prompts that
 * refer to it and to no other object (kind or a generic noun, with random attributes: colour, size, place, as many as
 * needed to single it out), then `negatives` prompts that match no object (an absent kind, or a kind/colour/size
 * combination the scene lacks) with an empty mask. A prompt's mask is the union of the masks of every object its
 * description matches, so a positive prompt's mask is exactly its object's.
 *
 * @throws {@link TrainDataError} `TRAIN_DATA_INVALID_ARGUMENT` for a count out of range or an unknown kind or colour
 */
export function scenePrompts(scene: SyntheticScene, source: SceneRandomSource, options: ScenePromptOptions = {}): ScenePrompt[] {
  const rng = sceneRandom(source);
  const positives = checkCount('positivesPerObject', options.positivesPerObject ?? 1);
  const negatives = checkCount('negatives', options.negatives ?? 1);
  const kinds = options.kinds ?? SCENE_OBJECT_KINDS;
  const colours = options.colours ?? SCENE_COLOUR_NAMES;
  if (kinds.length === 0 || kinds.some((k) => !SCENE_OBJECT_KINDS.includes(k)) || colours.length === 0 || colours.some((c) => !SCENE_COLOUR_NAMES.includes(c))) {
    throw new TrainDataError('TRAIN_DATA_INVALID_ARGUMENT', `kinds and colours must be non-empty lists of known kinds and colours; got ${JSON.stringify({ kinds, colours })}.`);
  }
  const out: ScenePrompt[] = [];
  for (let index = 0; index < scene.objects.length; index++) {
    for (let p = 0; p < positives; p++) out.push(positivePrompt(scene, index, rng));
  }
  for (let n = 0; n < negatives; n++) {
    const prompt = negativePrompt(scene, rng, { kinds, colours });
    if (prompt !== undefined) out.push(prompt);
  }
  return out;
}

/**
 * A prompt that refers to object `index` of the scene and to no other (see {@link scenePrompts}).
 *
 * @throws {@link TrainDataError} `TRAIN_DATA_INVALID_ARGUMENT` when the scene has no object `index`
 */
export function positivePrompt(scene: SyntheticScene, index: number, source: SceneRandomSource): ScenePrompt {
  if (!Number.isSafeInteger(index) || index < 0 || index >= scene.objects.length) {
    throw new TrainDataError('TRAIN_DATA_INVALID_ARGUMENT', `The scene has ${scene.objects.length} objects; there is no object ${String(index)}.`);
  }
  const rng = sceneRandom(source);
  return scenePrompt(scene, positiveDescription(rng, scene, index), rng);
}

/**
 * A prompt that matches no object of the scene, with an empty mask (see {@link scenePrompts}); `undefined` in the
 * rare scene where 32 tries found none.
 */
export function negativePrompt(scene: SyntheticScene, source: SceneRandomSource, options: Pick<ScenePromptOptions, 'kinds' | 'colours'> = {}): ScenePrompt | undefined {
  const rng = sceneRandom(source);
  const d = negativeDescription(rng, scene, options.kinds ?? SCENE_OBJECT_KINDS, options.colours ?? SCENE_COLOUR_NAMES);
  return d === undefined ? undefined : scenePrompt(scene, d, rng);
}

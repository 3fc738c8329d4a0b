import type { SeededRandom } from '@clipseg/convert';
import type { BinaryMask, RgbImage } from '@clipseg/processor';
import { TrainDataError } from '../data/train-data-error.js';
import { drawBackground, drawParts, SCENE_BACKGROUNDS } from './scene-raster.js';
import type { BackgroundLayout, SceneBackground } from './scene-raster.js';
import { pick, randomFloat, randomInt, sceneRandom, shuffled } from './scene-random.js';
import type { SceneRandomSource } from './scene-random.js';
import { SCENE_COLOUR_NAMES, SCENE_COLOURS, SCENE_OBJECT_KINDS, SCENE_SIZES } from './scene-vocabulary.js';
import type { SceneColourName, SceneColumn, SceneObjectKind, SceneRow, SceneSize } from './scene-vocabulary.js';
import type { Box } from './shape-parts.js';
import { objectParts, partsBounds } from './shape-parts.js';

/** Options of {@link generateScene}. */
export interface SceneOptions {
  /** Image width in pixels, at least 32. Default 352 (CLIPSeg's input size). */
  readonly width?: number;
  /** Image height in pixels, at least 32. Default: the width. */
  readonly height?: number;
  /** Fewest objects, at least 1. Default 1. */
  readonly minObjects?: number;
  /** Most objects. Default 4. Scenes have fewer than `minObjects` only when they do not fit (rare, in tiny images). */
  readonly maxObjects?: number;
  /** Kinds to draw from. Default: all of {@link SCENE_OBJECT_KINDS}. */
  readonly kinds?: readonly SceneObjectKind[];
  /** Colours to paint with. Default: all of {@link SCENE_COLOUR_NAMES}. */
  readonly colours?: readonly SceneColourName[];
  /** Backgrounds to draw from. Default: all of {@link SCENE_BACKGROUNDS}. */
  readonly backgrounds?: readonly SceneBackground[];
  /**
   * Multiplies the objects' extents ({@link SCENE_SIZES}, fractions of the image's shorter side), from 0.5 to 2.
   * Default 1. Small models at small input sizes see larger objects better.
   */
  readonly objectScale?: number;
}

/** One object of a {@link SyntheticScene}. */
export interface SceneObject {
  /** What it is. */
  readonly kind: SceneObjectKind;
  /** Its main colour (a house's walls, a tree's crown, a car's body; the rest is derived or fixed). */
  readonly colour: SceneColourName;
  /** Its size class. */
  readonly size: SceneSize;
  /** The third of the image its bounding box's centre is in, left to right (never within 3 % of a border). */
  readonly column: SceneColumn;
  /** The third of the image its bounding box's centre is in, top to bottom (never within 3 % of a border). */
  readonly row: SceneRow;
  /** Its pixel bounds (integer, end exclusive). */
  readonly box: Box;
  /**
   * Its exact mask: 1 where at least half of a pixel is covered by the object. Objects never overlap, and no two
   * objects of a scene share kind, colour and size, so "the small red ball" names one object.
   */
  readonly mask: BinaryMask;
}

/** What {@link generateScene} makes. */
export interface SyntheticScene {
  /** The picture. */
  readonly image: RgbImage;
  /** Its background. */
  readonly background: BackgroundLayout;
  /** Its objects, in drawing order. */
  readonly objects: readonly SceneObject[];
}

/** Colours closer than this (Euclidean, 0–255) to the background under an object are not used for it. */
const MIN_CONTRAST = 80;
/** Placement tries per object before it is left out. */
const PLACEMENT_TRIES = 60;

function invalid(message: string): TrainDataError {
  return new TrainDataError('TRAIN_DATA_INVALID_ARGUMENT', message);
}

function checkList<T>(name: string, value: readonly T[] | undefined, allowed: readonly T[]): readonly T[] {
  if (value === undefined) return allowed;
  if (!Array.isArray(value) || value.length === 0 || value.some((v) => !allowed.includes(v))) {
    throw invalid(`${name} must be a non-empty list of ${allowed.join(', ')}; got ${JSON.stringify(value)}.`);
  }
  return value;
}

function checkInteger(name: string, value: number, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) throw invalid(`${name} must be an integer in [${min}, ${max}], not ${String(value)}.`);
  return value;
}

/** Resolved, checked {@link SceneOptions}. */
export interface ResolvedSceneOptions {
  readonly width: number;
  readonly height: number;
  readonly minObjects: number;
  readonly maxObjects: number;
  readonly kinds: readonly SceneObjectKind[];
  readonly colours: readonly SceneColourName[];
  readonly backgrounds: readonly SceneBackground[];
  readonly objectScale: number;
}

/**
 * {@link SceneOptions} with their defaults, checked.
 *
 * @throws {@link TrainDataError} `TRAIN_DATA_INVALID_ARGUMENT` for an option out of range
 */
export function resolveSceneOptions(options: SceneOptions = {}): ResolvedSceneOptions {
  const width = checkInteger('width', options.width ?? 352, 32, 4096);
  const height = checkInteger('height', options.height ?? width, 32, 4096);
  const minObjects = checkInteger('minObjects', options.minObjects ?? 1, 1, 8);
  const maxObjects = checkInteger('maxObjects', options.maxObjects ?? Math.max(4, minObjects), minObjects, 8);
  return {
    width,
    height,
    minObjects,
    maxObjects,
    kinds: checkList('kinds', options.kinds, SCENE_OBJECT_KINDS),
    colours: checkList('colours', options.colours, SCENE_COLOUR_NAMES),
    backgrounds: checkList('backgrounds', options.backgrounds, SCENE_BACKGROUNDS),
    objectScale: checkScale(options.objectScale ?? 1),
  };
}

function checkScale(value: number): number {
  if (typeof value !== 'number' || !(value >= 0.5 && value <= 2)) throw invalid(`objectScale must be a number from 0.5 to 2, not ${String(value)}.`);
  return value;
}

/** Lowest colour distance between `rgb` and the image's pixels on a 5 × 5 grid over `box`. */
function contrast(data: Uint8Array, width: number, box: Box, rgb: readonly number[]): number {
  let lowest = Infinity;
  for (let j = 0; j < 5; j++) {
    for (let i = 0; i < 5; i++) {
      const x = Math.min(box.x1 - 1, Math.floor(box.x0 + ((box.x1 - box.x0) * (i + 0.5)) / 5));
      const y = Math.min(box.y1 - 1, Math.floor(box.y0 + ((box.y1 - box.y0) * (j + 0.5)) / 5));
      const k = (y * width + x) * 3;
      lowest = Math.min(lowest, Math.hypot(data[k]! - rgb[0]!, data[k + 1]! - rgb[1]!, data[k + 2]! - rgb[2]!));
    }
  }
  return lowest;
}

function third<T>(value: number, extent: number, names: readonly [T, T, T]): T | undefined {
  const t = value / extent;
  if (Math.abs(t - 1 / 3) < 0.03 || Math.abs(t - 2 / 3) < 0.03) return undefined;
  return names[t < 1 / 3 ? 0 : t < 2 / 3 ? 1 : 2];
}

interface Placed {
  kind: SceneObjectKind;
  colour: SceneColourName;
  size: SceneSize;
  column: SceneColumn;
  row: SceneRow;
  box: Box;
  centre: [number, number];
  extent: number;
  rotation: number;
}

function place(rng: SeededRandom, o: ResolvedSceneOptions, data: Uint8Array, background: BackgroundLayout, placed: readonly Placed[]): Placed | undefined {
  const { width, height } = o;
  const side = Math.min(width, height);
  for (let attempt = 0; attempt < PLACEMENT_TRIES; attempt++) {
    const kind = pick(rng, o.kinds);
    const size: SceneSize = pick(rng, ['small', 'large'] as const);
    const [lo, hi] = SCENE_SIZES[size];
    const extent = randomFloat(rng, lo, hi) * side * o.objectScale;
    const rotation = kind === 'square' ? randomFloat(rng, -0.3, 0.3) : 0;
    const local = partsBounds(objectParts(kind, [0, 0, 0], 0, 0, extent, rotation));
    const w = local.x1 - local.x0;
    const h = local.y1 - local.y0;
    let top = 2;
    let bottom = height - 2;
    if (background.horizon !== undefined && (kind === 'sun' || kind === 'cloud')) bottom = background.horizon - 1;
    if (background.horizon !== undefined && (kind === 'house' || kind === 'tree' || kind === 'car')) top = Math.max(top, background.horizon + 0.03 * height - h);
    if (bottom - top < h || width - 4 < w) continue;
    const bx = randomFloat(rng, 2, width - 2 - w);
    const by = randomFloat(rng, top, bottom - h);
    const box: Box = { x0: Math.floor(bx), y0: Math.floor(by), x1: Math.ceil(bx + w), y1: Math.ceil(by + h) };
    const column = third(bx + w / 2, width, ['left', 'centre', 'right'] as const);
    const row = third(by + h / 2, height, ['top', 'middle', 'bottom'] as const);
    if (column === undefined || row === undefined) continue;
    if (placed.some((p) => box.x0 < p.box.x1 + 3 && p.box.x0 < box.x1 + 3 && box.y0 < p.box.y1 + 3 && p.box.y0 < box.y1 + 3)) continue;
    let colour: SceneColourName | undefined;
    let best = -1;
    for (const name of shuffled(rng, o.colours)) {
      const c = contrast(data, width, box, SCENE_COLOURS[name]);
      if (c >= MIN_CONTRAST) {
        colour = name;
        break;
      }
      if (c > best) [best, colour] = [c, name];
    }
    const twin = placed.some((p) => p.kind === kind && p.colour === colour && p.size === size);
    if (twin) continue;
    return { kind, colour: colour!, size, column, row, box, centre: [bx - local.x0, by - local.y0], extent, rotation };
  }
  return undefined;
}

/**
 * Draws a random scene in the example scene's style: a background (outdoors: sky over ground, with the sun and
 * clouds in the sky and houses, trees and cars standing on the ground; or a plain or gradient colour), then 1–4
 * non-overlapping objects of random kind, colour (one that stands out from the background under it), size class and
 * place, each with its exact mask. The same seed (or generator state) and options give the same scene.
 *
 * @param source - a seed (non-negative safe integer) or a generator, which is advanced
 * @throws {@link TrainDataError} `TRAIN_DATA_INVALID_ARGUMENT` for a bad seed or option
 */
export function generateScene(source: SceneRandomSource, options: SceneOptions = {}): SyntheticScene {
  const o = resolveSceneOptions(options);
  const rng = sceneRandom(source);
  const { width, height } = o;
  const data = new Uint8Array(width * height * 3);
  const background = drawBackground(rng, pick(rng, o.backgrounds), data, width, height);
  const count = randomInt(rng, o.minObjects, o.maxObjects);
  const placed: Placed[] = [];
  // Up to `count` placements; rounds that fail are retried (a few times) only while fewer than minObjects fit.
  for (let round = 0; placed.length < count && (round < count || (placed.length < o.minObjects && round < count + 20)); round++) {
    const next = place(rng, o, data, background, placed);
    if (next !== undefined) placed.push(next);
  }
  const objects = placed.map((p): SceneObject => {
    const mask = new Uint8Array(width * height);
    drawParts(data, mask, width, height, objectParts(p.kind, SCENE_COLOURS[p.colour], p.centre[0], p.centre[1], p.extent, p.rotation));
    return { kind: p.kind, colour: p.colour, size: p.size, column: p.column, row: p.row, box: p.box, mask: { width, height, data: mask } };
  });
  return { image: { width, height, channels: 3, data }, background, objects };
}

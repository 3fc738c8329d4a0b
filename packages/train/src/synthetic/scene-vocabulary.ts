/**
 * What synthetic scenes are made of, and the words the prompt grammar uses for each thing: object kinds, named
 * colours, sizes and positions, each with its synonyms. Plain data, so a tokenizer corpus or a report can list it.
 *
 * @module
 */

/** The kinds of object a synthetic scene draws. */
export const SCENE_OBJECT_KINDS = ['ball', 'circle', 'square', 'triangle', 'star', 'house', 'tree', 'sun', 'cloud', 'car'] as const;

/** One kind of object in a synthetic scene. */
export type SceneObjectKind = (typeof SCENE_OBJECT_KINDS)[number];

/** The named colours objects are painted in. */
export const SCENE_COLOUR_NAMES = ['red', 'green', 'blue', 'yellow', 'orange', 'purple', 'pink', 'white', 'black', 'brown', 'gray'] as const;

/** One named colour. */
export type SceneColourName = (typeof SCENE_COLOUR_NAMES)[number];

/** An sRGB colour, 0–255 per channel. */
export type Rgb = readonly [number, number, number];

/**
 * The sRGB value of each named colour. Any two are at least 90 apart (Euclidean, 0–255 channels), so a model can
 * tell them apart; shading (a ball's highlight, a roof) is derived from these.
 */
export const SCENE_COLOURS: Readonly<Record<SceneColourName, Rgb>> = {
  red: [220, 30, 40],
  green: [40, 165, 55],
  blue: [35, 80, 215],
  yellow: [250, 220, 40],
  orange: [250, 130, 20],
  purple: [125, 45, 170],
  pink: [250, 135, 200],
  white: [250, 250, 250],
  black: [20, 20, 20],
  brown: [120, 70, 30],
  gray: [135, 135, 135],
};

/** Size classes: an object's height (its bounding box's larger side) as a share of the image's shorter side. */
export const SCENE_SIZES = { small: [0.14, 0.2], large: [0.3, 0.4] } as const;

/** One size class. */
export type SceneSize = keyof typeof SCENE_SIZES;

/** Horizontal third of the image an object's centre lies in. */
export type SceneColumn = 'left' | 'centre' | 'right';

/** Vertical third of the image an object's centre lies in. */
export type SceneRow = 'top' | 'middle' | 'bottom';

/** Nouns for each kind; the first is the canonical name. */
export const KIND_NOUNS: Readonly<Record<SceneObjectKind, readonly string[]>> = {
  ball: ['ball'],
  circle: ['circle', 'disc', 'disk'],
  square: ['square', 'block'],
  triangle: ['triangle'],
  star: ['star'],
  house: ['house', 'home', 'building', 'hut'],
  tree: ['tree'],
  sun: ['sun'],
  cloud: ['cloud'],
  car: ['car', 'automobile', 'vehicle'],
};

/** Kinds that are flat geometric shapes (the noun "shape" refers to them). */
export const SHAPE_KINDS: readonly SceneObjectKind[] = ['circle', 'square', 'triangle', 'star'];

/** Nouns that name any object (`thing`, `object`) or any {@link SHAPE_KINDS} member (`shape`). */
export const GENERIC_NOUNS = { any: ['thing', 'object'], shape: ['shape'] } as const;

/** Words for each colour; the first is the canonical name. */
export const COLOUR_WORDS: Readonly<Record<SceneColourName, readonly string[]>> = {
  red: ['red'],
  green: ['green'],
  blue: ['blue'],
  yellow: ['yellow'],
  orange: ['orange'],
  purple: ['purple', 'violet'],
  pink: ['pink'],
  white: ['white'],
  black: ['black'],
  brown: ['brown'],
  gray: ['gray', 'grey'],
};

/** Words for each size. */
export const SIZE_WORDS: Readonly<Record<SceneSize, readonly string[]>> = {
  small: ['small', 'little', 'tiny'],
  large: ['large', 'big', 'huge'],
};

/** Phrases placing an object in a column (`centre` only combines with a row, see {@link CORNER_PHRASES}). */
export const COLUMN_PHRASES: Readonly<Record<'left' | 'right', readonly string[]>> = {
  left: ['on the left', 'on the left side', 'at the left'],
  right: ['on the right', 'on the right side', 'at the right'],
};

/** Phrases placing an object in a row. */
export const ROW_PHRASES: Readonly<Record<'top' | 'bottom', readonly string[]>> = {
  top: ['at the top', 'near the top'],
  bottom: ['at the bottom', 'near the bottom'],
};

/** Phrases for an object in the central cell. */
export const CENTRE_PHRASES: readonly string[] = ['in the middle', 'in the centre', 'in the center'];

/** Phrases for both a row and a column: `{row}` and `{column}` are replaced by `top`/`bottom` and `left`/`right`. */
export const CORNER_PHRASES: readonly string[] = ['in the {row} {column}', 'at the {row} {column}', 'in the {row} {column} corner'];

/** Templates wrapping a noun phrase; `{np}` is replaced. */
export const PROMPT_TEMPLATES: readonly string[] = ['{np}', '{np}', '{np}', 'a photo of {np}', 'a picture of {np}'];

/** Every word the prompt grammar can produce, lower-case, sorted, without duplicates. */
export function promptGrammarWords(): string[] {
  const words = new Set<string>(['a', 'an', 'the']);
  const add = (phrase: string) => {
    for (const word of phrase.replace(/\{\w+\}/g, ' ').split(' ')) if (word !== '') words.add(word);
  };
  for (const list of [...Object.values(KIND_NOUNS), ...Object.values(GENERIC_NOUNS), ...Object.values(COLOUR_WORDS), ...Object.values(SIZE_WORDS)]) list.forEach(add);
  for (const list of [...Object.values(COLUMN_PHRASES), ...Object.values(ROW_PHRASES), CENTRE_PHRASES, CORNER_PHRASES, PROMPT_TEMPLATES]) list.forEach(add);
  for (const word of ['top', 'bottom', 'left', 'right']) words.add(word);
  return [...words].sort();
}

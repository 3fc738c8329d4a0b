import { describe, expect, it } from 'vitest';
import { TrainDataError } from '../data/train-data-error.js';
import { generateScene } from './generate-scene.js';
import type { SceneObject } from './generate-scene.js';
import { positivePrompt, scenePrompts } from './scene-prompts.js';
import { COLOUR_WORDS, KIND_NOUNS, SCENE_COLOUR_NAMES, SCENE_OBJECT_KINDS, SIZE_WORDS } from './scene-vocabulary.js';

// An independent reading of the prompts: words back to attributes, without the generator's descriptions.
const nounOf = new Map<string, string>(Object.entries(KIND_NOUNS).flatMap(([kind, nouns]) => nouns.map((n) => [n, kind] as [string, string])));
for (const generic of ['thing', 'object', 'shape']) nounOf.set(generic, generic);
const colourOf = new Map(Object.entries(COLOUR_WORDS).flatMap(([colour, words]) => words.map((w) => [w, colour] as [string, string])));
const sizeOf = new Map(Object.entries(SIZE_WORDS).flatMap(([size, words]) => words.map((w) => [w, size] as [string, string])));
const alt = (words: Iterable<string>) => [...words].join('|');
const GRAMMAR = new RegExp(
  `^(?:(?:a photo of|a picture of) (?=a |an |the ))?(?:(a|an|the) )?(?:(${alt(sizeOf.keys())}) )?(?:(${alt(colourOf.keys())}) )?(${alt(nounOf.keys())})` +
    '(?: (on the (?:left|right)(?: side)?|at the (?:left|right)|(?:at|near) the (?:top|bottom)|in the (?:middle|centre|center)|(?:in|at) the (?:top|bottom) (?:left|right)(?: corner)?))?$',
);

/** The objects a prompt's words describe. */
function referents(text: string, objects: readonly SceneObject[]): number[] {
  const match = GRAMMAR.exec(text);
  expect(match, `"${text}" follows the grammar`).not.toBeNull();
  const [, article, sizeWord, colourWord, nounWord, place = ''] = match!;
  const noun = nounOf.get(nounWord!)!;
  const first = sizeWord ?? colourWord ?? nounWord!;
  if (article === 'a' || article === 'an') expect(article, `"${text}"`).toBe(/^[aeiou]/.test(first) ? 'an' : 'a');
  const out: number[] = [];
  objects.forEach((o, i) => {
    if (noun === 'shape' ? !['circle', 'square', 'triangle', 'star'].includes(o.kind) : noun !== 'thing' && noun !== 'object' && noun !== o.kind) return;
    if (sizeWord !== undefined && sizeOf.get(sizeWord) !== o.size) return;
    if (colourWord !== undefined && colourOf.get(colourWord) !== o.colour) return;
    if (place.includes('left') && o.column !== 'left') return;
    if (place.includes('right') && o.column !== 'right') return;
    if (place.includes('top') && o.row !== 'top') return;
    if (place.includes('bottom') && o.row !== 'bottom') return;
    if (/middle|centre|center/.test(place) && (o.column !== 'centre' || o.row !== 'middle')) return;
    out.push(i);
  });
  return out;
}

describe('scenePrompts', () => {
  it('says what it targets: positives name exactly their object, negatives nothing', () => {
    let positives = 0;
    let negatives = 0;
    for (let seed = 0; seed < 200; seed++) {
      const scene = generateScene(seed, { width: 48 });
      const prompts = scenePrompts(scene, seed + 1, { positivesPerObject: 2, negatives: 2 });
      for (const prompt of prompts) {
        expect(referents(prompt.text, scene.objects), `"${prompt.text}"`).toEqual(prompt.targets);
        if (prompt.negative) {
          negatives++;
          expect(prompt.targets).toEqual([]);
          expect(prompt.mask.data.every((v) => v === 0)).toBe(true);
        } else {
          positives++;
          expect(prompt.targets).toHaveLength(1);
          const own = scene.objects[prompt.targets[0]!]!.mask.data;
          expect(prompt.mask.data.every((v, i) => v === own[i])).toBe(true);
        }
      }
      expect(prompts.filter((p) => !p.negative)).toHaveLength(2 * scene.objects.length);
    }
    expect(negatives).toBeGreaterThan(360);
    expect(positives).toBeGreaterThan(400);
  });

  it('uses every kind, colour, size word and some plain, generic and placed prompts', () => {
    const texts: string[] = [];
    for (let seed = 0; seed < 300; seed++) texts.push(...scenePrompts(generateScene(seed, { width: 48 }), seed).map((p) => p.text));
    const words = new Set(texts.flatMap((t) => t.split(' ')));
    for (const kind of SCENE_OBJECT_KINDS) expect(words.has(kind), kind).toBe(true);
    for (const colour of SCENE_COLOUR_NAMES) expect(words.has(colour), colour).toBe(true);
    for (const word of ['small', 'large', 'big', 'thing', 'left', 'right', 'top', 'bottom', 'photo', 'the', 'a', 'an']) expect(words.has(word), word).toBe(true);
    expect(texts).toContain('the house');
    expect(texts.some((t) => /^(a|the) red ball$/.test(t))).toBe(true);
  });

  it('is deterministic for a seed', () => {
    const scene = generateScene(3, { width: 48 });
    expect(scenePrompts(scene, 11).map((p) => p.text)).toEqual(scenePrompts(scene, 11).map((p) => p.text));
  });

  it('rejects bad counts, kinds and object indices', () => {
    const scene = generateScene(3, { width: 48 });
    expect(() => scenePrompts(scene, 1, { negatives: -1 })).toThrow(TrainDataError);
    expect(() => scenePrompts(scene, 1, { kinds: ['dog' as 'car'] })).toThrow(TrainDataError);
    expect(() => positivePrompt(scene, scene.objects.length, 1)).toThrow(/there is no object/);
  });
});

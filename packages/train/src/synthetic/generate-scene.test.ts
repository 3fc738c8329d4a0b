import { describe, expect, it } from 'vitest';
import { TrainDataError } from '../data/train-data-error.js';
import { generateScene } from './generate-scene.js';
import type { SyntheticScene } from './generate-scene.js';
import { drawBackground, SCENE_BACKGROUNDS } from './scene-raster.js';
import { pick, sceneRandom } from './scene-random.js';
import { SCENE_COLOUR_NAMES, SCENE_COLOURS, SCENE_OBJECT_KINDS } from './scene-vocabulary.js';

const SIZE = 96;

/** The scene's background alone, drawn from the same generator state as generateScene draws it. */
function backgroundOf(seed: number, width: number, height: number): Uint8Array {
  const rng = sceneRandom(seed);
  const data = new Uint8Array(width * height * 3);
  drawBackground(rng, pick(rng, SCENE_BACKGROUNDS), data, width, height);
  return data;
}

function maxChannelDiff(a: Uint8Array, b: Uint8Array, p: number): number {
  return Math.max(Math.abs(a[3 * p]! - b[3 * p]!), Math.abs(a[3 * p + 1]! - b[3 * p + 1]!), Math.abs(a[3 * p + 2]! - b[3 * p + 2]!));
}

describe('generateScene', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = generateScene(7, { width: SIZE });
    const b = generateScene(7, { width: SIZE });
    const c = generateScene(8, { width: SIZE });
    expect(b.image.data).toEqual(a.image.data);
    expect(b.objects).toEqual(a.objects);
    expect(c.image.data).not.toEqual(a.image.data);
  });

  it('keeps every named colour at least 90 apart', () => {
    for (const a of SCENE_COLOUR_NAMES) {
      for (const b of SCENE_COLOUR_NAMES) {
        if (a >= b) continue;
        const [x, y] = [SCENE_COLOURS[a], SCENE_COLOURS[b]];
        expect(Math.hypot(x[0] - y[0], x[1] - y[1], x[2] - y[2]), `${a} vs ${b}`).toBeGreaterThanOrEqual(90);
      }
    }
  });

  it('draws objects exactly where their masks are', () => {
    for (let seed = 0; seed < 40; seed++) {
      const width = SIZE + (seed % 3) * 16;
      const height = SIZE;
      const scene = generateScene(seed, { width, height });
      const background = backgroundOf(seed, width, height);
      const image = scene.image.data;
      const union = new Uint8Array(width * height);
      for (const object of scene.objects) {
        let differing = 0;
        let count = 0;
        for (let p = 0; p < union.length; p++) {
          if (!object.mask.data[p]) continue;
          expect(union[p], 'objects overlap').toBe(0);
          union[p] = 1;
          count++;
          if (maxChannelDiff(image, background, p) > 20) differing++;
          const x = p % width;
          const y = Math.floor(p / width);
          expect(x >= object.box.x0 && x < object.box.x1 && y >= object.box.y0 && y < object.box.y1).toBe(true);
        }
        expect(count, `${object.kind} has pixels`).toBeGreaterThan(20);
        expect(differing / count, `seed ${seed}: ${object.colour} ${object.kind} stands out from the background`).toBeGreaterThan(0.95);
        if (object.kind === 'ball') continue;
        // Interior pixels (all 8 neighbours in the mask): the most common colour is the named one, exactly.
        const counts = new Map<string, number>();
        for (let y = 1; y < height - 1; y++) {
          for (let x = 1; x < width - 1; x++) {
            let inside = true;
            for (let dy = -1; dy <= 1 && inside; dy++) for (let dx = -1; dx <= 1 && inside; dx++) inside = object.mask.data[(y + dy) * width + x + dx] === 1;
            if (!inside) continue;
            const i = 3 * (y * width + x);
            const key = `${image[i]},${image[i + 1]},${image[i + 2]}`;
            counts.set(key, (counts.get(key) ?? 0) + 1);
          }
        }
        const mode = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
        expect(mode, `seed ${seed}: ${object.colour} ${object.kind}`).toBe(SCENE_COLOURS[object.colour].join(','));
      }
      // Outside the masks the background is untouched, except for the anti-aliased fringe next to a mask.
      for (let p = 0; p < union.length; p++) {
        if (union[p] || image[3 * p] === background[3 * p] && image[3 * p + 1] === background[3 * p + 1] && image[3 * p + 2] === background[3 * p + 2]) continue;
        const x = p % width;
        const y = Math.floor(p / width);
        let near = false;
        for (let dy = -2; dy <= 2 && !near; dy++) for (let dx = -2; dx <= 2 && !near; dx++) near = union[(y + dy) * width + x + dx] === 1;
        expect(near, `seed ${seed}: pixel (${x}, ${y}) changed far from any mask`).toBe(true);
      }
    }
  });

  it('lays objects out by its rules', () => {
    for (let seed = 100; seed < 160; seed++) {
      const scene: SyntheticScene = generateScene(seed, { width: 80, height: 64 });
      const { width, height } = scene.image;
      expect(scene.objects.length).toBeGreaterThanOrEqual(1);
      expect(scene.objects.length).toBeLessThanOrEqual(4);
      scene.objects.forEach((o, i) => {
        const cx = (o.box.x0 + o.box.x1) / 2 / width;
        const cy = (o.box.y0 + o.box.y1) / 2 / height;
        // The box is rounded outward by under a pixel on each side, so allow that much.
        const slack = 1 / width;
        expect(o.column === 'left' ? cx < 1 / 3 + slack : o.column === 'right' ? cx > 2 / 3 - slack : cx > 1 / 3 - slack && cx < 2 / 3 + slack).toBe(true);
        const vslack = 1 / height;
        expect(o.row === 'top' ? cy < 1 / 3 + vslack : o.row === 'bottom' ? cy > 2 / 3 - vslack : cy > 1 / 3 - vslack && cy < 2 / 3 + vslack).toBe(true);
        for (const other of scene.objects.slice(i + 1)) expect([other.kind, other.colour, other.size]).not.toEqual([o.kind, o.colour, o.size]);
        const { horizon } = scene.background;
        if (horizon !== undefined && (o.kind === 'sun' || o.kind === 'cloud')) expect(o.box.y1).toBeLessThanOrEqual(horizon);
        if (horizon !== undefined && (o.kind === 'house' || o.kind === 'tree' || o.kind === 'car')) expect(o.box.y1).toBeGreaterThan(horizon);
      });
    }
  });

  it('covers every kind, colour, size, place and background over many scenes', () => {
    const seen = new Set<string>();
    for (let seed = 0; seed < 300; seed++) {
      const scene = generateScene(seed, { width: 48 });
      seen.add(`background:${scene.background.kind}`);
      for (const o of scene.objects) for (const value of [`kind:${o.kind}`, `colour:${o.colour}`, `size:${o.size}`, `column:${o.column}`, `row:${o.row}`]) seen.add(value);
    }
    const expected = [
      ...SCENE_OBJECT_KINDS.map((k) => `kind:${k}`),
      ...SCENE_COLOUR_NAMES.map((c) => `colour:${c}`),
      ...SCENE_BACKGROUNDS.map((b) => `background:${b}`),
      'size:small', 'size:large', 'column:left', 'column:centre', 'column:right', 'row:top', 'row:middle', 'row:bottom',
    ];
    for (const value of expected) expect(seen.has(value), value).toBe(true);
  });

  it('places at least minObjects objects, even in tiny images', () => {
    for (let seed = 0; seed < 300; seed++) expect(generateScene(seed, { width: 32 }).objects.length, `seed ${seed}`).toBeGreaterThanOrEqual(1);
    for (let seed = 0; seed < 50; seed++) expect(generateScene(seed, { width: 96, minObjects: 3 }).objects.length, `seed ${seed}`).toBeGreaterThanOrEqual(3);
  });

  it('honours kinds, colours, backgrounds and object counts', () => {
    for (let seed = 0; seed < 20; seed++) {
      const scene = generateScene(seed, { width: 64, kinds: ['star', 'car'], colours: ['red', 'blue'], backgrounds: ['plain'], minObjects: 2, maxObjects: 2 });
      expect(scene.background.kind).toBe('plain');
      for (const o of scene.objects) {
        expect(['star', 'car']).toContain(o.kind);
        expect(['red', 'blue']).toContain(o.colour);
      }
      expect(scene.objects).toHaveLength(2);
    }
  });

  it('rejects bad options with TRAIN_DATA_INVALID_ARGUMENT', () => {
    const bad = [{ width: 8 }, { width: 64.5 }, { minObjects: 0 }, { minObjects: 3, maxObjects: 2 }, { kinds: [] }, { colours: ['teal' as 'red'] }, { backgrounds: ['space' as 'plain'] }];
    for (const options of bad) {
      expect(() => generateScene(1, options)).toThrow(TrainDataError);
      try {
        generateScene(1, options);
      } catch (error) {
        expect((error as TrainDataError).code).toBe('TRAIN_DATA_INVALID_ARGUMENT');
      }
    }
    expect(() => generateScene(-1)).toThrow(/seed must be a non-negative safe integer/);
  });
});

describe('objectScale', () => {
  it('scales the objects and is checked', () => {
    const area = (scale: number) => {
      let sum = 0;
      for (let s = 0; s < 40; s++) for (const o of generateScene(s, { width: 96, maxObjects: 1, objectScale: scale }).objects) sum += o.mask.data.reduce((a, b) => a + b, 0);
      return sum;
    };
    expect(area(1.5) / area(1)).toBeGreaterThan(1.8);
    expect(() => generateScene(1, { objectScale: 3 })).toThrow(/objectScale/);
  });
});

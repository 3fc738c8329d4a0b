import type { SeededRandom } from '@clipseg/convert';
import { chance, pick, randomFloat, randomInt } from './scene-random.js';
import type { Rgb } from './scene-vocabulary.js';
import type { ShapePart } from './shape-parts.js';
import { mixRgb } from './shape-parts.js';

/** The backgrounds a synthetic scene can have. */
export const SCENE_BACKGROUNDS = ['outdoor', 'plain', 'gradient'] as const;

/**
 * A scene's background: `outdoor` is the example scene's style (a sky gradient above a textured ground, the horizon
 * at `horizon` rows), `plain` one colour, `gradient` a blend of two colours across the image; all with a little
 * per-pixel noise.
 */
export type SceneBackground = (typeof SCENE_BACKGROUNDS)[number];

/** What a background was drawn with (the horizon row is only set outdoors). */
export interface BackgroundLayout {
  readonly kind: SceneBackground;
  /** First ground row, outdoors. */
  readonly horizon?: number;
}

const SKIES: readonly (readonly [Rgb, Rgb])[] = [
  [[110, 160, 235], [200, 230, 235]],
  [[70, 115, 205], [165, 205, 240]],
  [[150, 190, 230], [225, 235, 245]],
  [[95, 140, 200], [235, 200, 170]],
];
const GROUNDS: readonly Rgb[] = [[60, 150, 60], [45, 120, 50], [205, 185, 125], [140, 110, 80], [110, 160, 70]];

/** Side of one subsample grid: a pixel's coverage is counted on SUPERSAMPLE² points. */
const SUPERSAMPLE = 4;

/** A deterministic hash of a pixel and a salt to [-1, 1]. */
function pixelNoise(x: number, y: number, salt: number): number {
  let h = Math.imul(x, 0x27d4eb2d) ^ Math.imul(y, 0x165667b1) ^ salt;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 2147483647.5 - 1;
}

function put(data: Uint8Array, i: number, rgb: Rgb, noise: number): void {
  data[i] = Math.max(0, Math.min(255, Math.round(rgb[0] + noise)));
  data[i + 1] = Math.max(0, Math.min(255, Math.round(rgb[1] + noise)));
  data[i + 2] = Math.max(0, Math.min(255, Math.round(rgb[2] + noise)));
}

/** Draws a random background of `kind` into `data` (RGB, `width × height`). */
export function drawBackground(rng: SeededRandom, kind: SceneBackground, data: Uint8Array, width: number, height: number): BackgroundLayout {
  const salt = rng.nextUint32() | 0;
  const amplitude = randomFloat(rng, 2, 10);
  const jitter = (rgb: Rgb): Rgb => mixRgb(rgb, [randomInt(rng, 0, 255), randomInt(rng, 0, 255), randomInt(rng, 0, 255)], randomFloat(rng, 0, 0.15));
  if (kind === 'outdoor') {
    const [skyTop, skyBottom] = pick(rng, SKIES).map(jitter) as [Rgb, Rgb];
    const ground = jitter(pick(rng, GROUNDS));
    const horizon = Math.round(height * randomFloat(rng, 0.45, 0.7));
    const stripeX = randomInt(rng, 2, 4);
    const stripeY = randomInt(rng, 1, 3);
    const stripe = chance(rng, 0.7) ? randomFloat(rng, 4, 12) : 0;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = (y * width + x) * 3;
        const noise = amplitude * pixelNoise(x, y, salt);
        if (y < horizon) put(data, i, mixRgb(skyTop, skyBottom, y / horizon), noise);
        else put(data, i, ground, noise + (((x >> stripeX) + (y >> stripeY)) % 2 === 0 ? stripe : 0));
      }
    }
    return { kind, horizon };
  }
  const a: Rgb = [randomInt(rng, 0, 255), randomInt(rng, 0, 255), randomInt(rng, 0, 255)];
  const b: Rgb = kind === 'gradient' ? [randomInt(rng, 0, 255), randomInt(rng, 0, 255), randomInt(rng, 0, 255)] : a;
  const angle = randomFloat(rng, 0, 2 * Math.PI);
  const dx = Math.cos(angle);
  const dy = Math.sin(angle);
  const span = Math.abs(dx) * width + Math.abs(dy) * height;
  const offset = Math.min(0, dx * width) + Math.min(0, dy * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const t = (dx * x + dy * y - offset) / span;
      put(data, (y * width + x) * 3, mixRgb(a, b, t), amplitude * pixelNoise(x, y, salt));
    }
  }
  return { kind };
}

/**
 * Paints one object's parts over `data` (RGB, `width × height`) with anti-aliased edges: each pixel's colour is the
 * mean of SUPERSAMPLE² subsamples (the topmost part covering a subsample, else the pixel's old colour). Sets `mask` to 1
 * where at least half of the subsamples are covered; leaves it alone elsewhere.
 */
export function drawParts(data: Uint8Array, mask: Uint8Array, width: number, height: number, parts: readonly ShapePart[]): void {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const { bounds } of parts) {
    x0 = Math.min(x0, bounds.x0);
    y0 = Math.min(y0, bounds.y0);
    x1 = Math.max(x1, bounds.x1);
    y1 = Math.max(y1, bounds.y1);
  }
  const px0 = Math.max(0, Math.floor(x0));
  const py0 = Math.max(0, Math.floor(y0));
  const px1 = Math.min(width, Math.ceil(x1));
  const py1 = Math.min(height, Math.ceil(y1));
  const samples = SUPERSAMPLE * SUPERSAMPLE;
  for (let py = py0; py < py1; py++) {
    for (let px = px0; px < px1; px++) {
      let covered = 0;
      let r = 0;
      let g = 0;
      let b = 0;
      for (let sy = 0; sy < SUPERSAMPLE; sy++) {
        const y = py + (sy + 0.5) / SUPERSAMPLE;
        for (let sx = 0; sx < SUPERSAMPLE; sx++) {
          const x = px + (sx + 0.5) / SUPERSAMPLE;
          for (let k = parts.length - 1; k >= 0; k--) {
            const part = parts[k]!;
            const { bounds } = part;
            if (x < bounds.x0 || x > bounds.x1 || y < bounds.y0 || y > bounds.y1 || !part.inside(x, y)) continue;
            const rgb = part.colour(x, y);
            r += rgb[0];
            g += rgb[1];
            b += rgb[2];
            covered++;
            break;
          }
        }
      }
      if (covered === 0) continue;
      const i = (py * width + px) * 3;
      const rest = samples - covered;
      data[i] = Math.round((r + data[i]! * rest) / samples);
      data[i + 1] = Math.round((g + data[i + 1]! * rest) / samples);
      data[i + 2] = Math.round((b + data[i + 2]! * rest) / samples);
      if (2 * covered >= samples) mask[py * width + px] = 1;
    }
  }
}

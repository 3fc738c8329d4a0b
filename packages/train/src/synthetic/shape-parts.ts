import type { Rgb, SceneObjectKind } from './scene-vocabulary.js';

/** An axis-aligned box in pixel coordinates: `x0 ≤ x < x1`, `y0 ≤ y < y1` (fractional). */
export interface Box {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/** One filled primitive of an object: where it is, and its colour there. Later parts cover earlier ones. */
export interface ShapePart {
  /** Bounds of the primitive. */
  readonly bounds: Box;
  /** True when the point `(x, y)` (pixel coordinates, pixel centres at `i + 0.5`) is inside. */
  readonly inside: (x: number, y: number) => boolean;
  /** The colour at `(x, y)`. */
  readonly colour: (x: number, y: number) => Rgb;
}

const flat = (rgb: Rgb) => () => rgb;

/** `a` mixed toward `b` by `t` (0 → `a`, 1 → `b`). */
export function mixRgb(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

const WHITE: Rgb = [255, 255, 255];
const BLACK: Rgb = [0, 0, 0];

function disc(cx: number, cy: number, r: number, colour: (x: number, y: number) => Rgb): ShapePart {
  const r2 = r * r;
  return { bounds: { x0: cx - r, y0: cy - r, x1: cx + r, y1: cy + r }, inside: (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r2, colour };
}

function rect(x0: number, y0: number, x1: number, y1: number, colour: (x: number, y: number) => Rgb): ShapePart {
  return { bounds: { x0, y0, x1, y1 }, inside: (x, y) => x >= x0 && x < x1 && y >= y0 && y < y1, colour };
}

/** A polygon (any simple polygon; even–odd rule). */
function polygon(points: readonly (readonly [number, number])[], colour: (x: number, y: number) => Rgb): ShapePart {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const n = points.length;
  return {
    bounds: { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) },
    inside: (x, y) => {
      let odd = false;
      for (let i = 0, j = n - 1; i < n; j = i++) {
        const yi = ys[i]!;
        const yj = ys[j]!;
        if (yi > y !== yj > y && x < ((xs[j]! - xs[i]!) * (y - yi)) / (yj - yi) + xs[i]!) odd = !odd;
      }
      return odd;
    },
    colour,
  };
}

/** Points of a regular star or polygon around `(cx, cy)`, first point at angle `start` (radians, 0 = +x, y down). */
function radial(cx: number, cy: number, radii: readonly number[], count: number, start: number): [number, number][] {
  const points: [number, number][] = [];
  for (let i = 0; i < count; i++) {
    const angle = start + (2 * Math.PI * i) / count;
    const r = radii[i % radii.length]!;
    points.push([cx + r * Math.cos(angle), cy + r * Math.sin(angle)]);
  }
  return points;
}

/**
 * The parts of one object of `kind`, painted mainly in `rgb`, centred on `(cx, cy)`, whose larger side is `size`
 * pixels. `rotation` (radians, small) turns the square; the other kinds stand upright.
 */
export function objectParts(kind: SceneObjectKind, rgb: Rgb, cx: number, cy: number, size: number, rotation = 0): ShapePart[] {
  const s = size;
  switch (kind) {
    case 'ball': {
      const r = s / 2;
      const hx = cx - 0.35 * r;
      const hy = cy - 0.35 * r;
      const shaded = (x: number, y: number): Rgb => {
        const fromCentre = Math.min(1, Math.hypot(x - cx, y - cy) / r);
        const base = mixRgb(rgb, BLACK, 0.35 * fromCentre * fromCentre);
        const glow = Math.max(0, 1 - Math.hypot(x - hx, y - hy) / (0.5 * r));
        return mixRgb(base, WHITE, 0.65 * glow * glow);
      };
      return [disc(cx, cy, r, shaded)];
    }
    case 'circle':
      return [disc(cx, cy, s / 2, flat(rgb))];
    case 'square': {
      const c = Math.abs(Math.cos(rotation)) + Math.abs(Math.sin(rotation));
      const half = s / c / 2;
      return [polygon(radial(cx, cy, [half * Math.SQRT2], 4, Math.PI / 4 + rotation), flat(rgb))];
    }
    case 'triangle': {
      const h = s * 0.87;
      return [polygon([[cx - s / 2, cy + h / 2], [cx + s / 2, cy + h / 2], [cx, cy - h / 2]], flat(rgb))];
    }
    case 'star': {
      // A 5-pointed star's height is R (1 + cos 36°) ≈ 1.81 R; centre it on its bounding box.
      const r = s / 1.902;
      return [polygon(radial(cx, cy + r * 0.095, [r, r * 0.42], 10, -Math.PI / 2), flat(rgb))];
    }
    case 'house': {
      const w = s * 0.8;
      const top = cy - s / 2;
      const roofBase = top + 0.42 * s;
      const bottom = cy + s / 2;
      const eave = 0.08 * s;
      return [
        rect(cx - w / 2, roofBase, cx + w / 2, bottom, flat(rgb)),
        polygon([[cx - w / 2 - eave, roofBase + 0.5], [cx + w / 2 + eave, roofBase + 0.5], [cx, top]], flat(mixRgb(rgb, BLACK, 0.45))),
        rect(cx - 0.1 * w, bottom - 0.32 * s, cx + 0.1 * w, bottom, flat(mixRgb(rgb, BLACK, 0.65))),
        rect(cx + 0.2 * w, roofBase + 0.12 * s, cx + 0.38 * w, roofBase + 0.28 * s, flat(mixRgb(rgb, WHITE, 0.6))),
      ];
    }
    case 'tree': {
      const trunk: Rgb = [95, 60, 30];
      return [
        rect(cx - 0.08 * s, cy, cx + 0.08 * s, cy + s / 2, flat(trunk)),
        disc(cx - 0.18 * s, cy - 0.02 * s, 0.2 * s, flat(rgb)),
        disc(cx + 0.18 * s, cy - 0.02 * s, 0.2 * s, flat(rgb)),
        disc(cx, cy - 0.2 * s, 0.3 * s, flat(rgb)),
      ];
    }
    case 'sun': {
      const parts: ShapePart[] = [];
      for (let i = 0; i < 8; i++) {
        const angle = (Math.PI * i) / 4;
        const tip: [number, number] = [cx + 0.5 * s * Math.cos(angle), cy + 0.5 * s * Math.sin(angle)];
        const a: [number, number] = [cx + 0.33 * s * Math.cos(angle - 0.2), cy + 0.33 * s * Math.sin(angle - 0.2)];
        const b: [number, number] = [cx + 0.33 * s * Math.cos(angle + 0.2), cy + 0.33 * s * Math.sin(angle + 0.2)];
        parts.push(polygon([a, tip, b], flat(rgb)));
      }
      parts.push(disc(cx, cy, 0.34 * s, flat(rgb)));
      return parts;
    }
    case 'cloud': {
      const base = cy + 0.14 * s;
      return [
        disc(cx - 0.32 * s, base - 0.04 * s, 0.16 * s, flat(rgb)),
        disc(cx + 0.32 * s, base - 0.04 * s, 0.16 * s, flat(rgb)),
        disc(cx - 0.12 * s, base - 0.1 * s, 0.2 * s, flat(rgb)),
        disc(cx + 0.12 * s, base - 0.12 * s, 0.22 * s, flat(rgb)),
        rect(cx - 0.32 * s, base - 0.06 * s, cx + 0.32 * s, base + 0.12 * s, flat(rgb)),
      ];
    }
    case 'car': {
      const glass: Rgb = [185, 215, 235];
      const tyre: Rgb = [35, 35, 35];
      const hub: Rgb = [170, 170, 170];
      const body = cy - 0.05 * s;
      const wheelY = cy + 0.16 * s;
      return [
        rect(cx - s / 2, body, cx + s / 2, cy + 0.17 * s, flat(rgb)),
        polygon([[cx - 0.3 * s, body + 0.5], [cx + 0.26 * s, body + 0.5], [cx + 0.12 * s, cy - 0.27 * s], [cx - 0.2 * s, cy - 0.27 * s]], flat(rgb)),
        polygon([[cx - 0.21 * s, body - 0.02 * s], [cx + 0.16 * s, body - 0.02 * s], [cx + 0.08 * s, cy - 0.22 * s], [cx - 0.14 * s, cy - 0.22 * s]], flat(glass)),
        disc(cx - 0.28 * s, wheelY, 0.11 * s, flat(tyre)),
        disc(cx + 0.28 * s, wheelY, 0.11 * s, flat(tyre)),
        disc(cx - 0.28 * s, wheelY, 0.045 * s, flat(hub)),
        disc(cx + 0.28 * s, wheelY, 0.045 * s, flat(hub)),
      ];
    }
  }
}

/** The union of the parts' bounds. */
export function partsBounds(parts: readonly ShapePart[]): Box {
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
  return { x0, y0, x1, y1 };
}

import { describe, expect, it } from 'vitest';
import { ProcessorError } from '../errors.js';
import type { BinaryMask } from '../mask/mask.js';
import { maskToPolygons } from './polygons.js';
import type { MaskPolygon } from './polygons.js';
import { pointInRing, ringArea, simplifyPolyline, simplifyRing } from './simplify.js';

const grid = (rows: string[]): BinaryMask => ({
  width: rows[0]!.length,
  height: rows.length,
  data: Uint8Array.from(rows.join('').split(''), (c) => (c === '#' ? 1 : 0)),
});

/** Rasterises polygons back (pixel centres, even–odd over every ring). */
function rasterise(polygons: MaskPolygon[], width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  const rings = polygons.flatMap((p) => [p.exterior, ...p.holes]);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let inside = false;
      for (const ring of rings) if (pointInRing(x + 0.5, y + 0.5, ring)) inside = !inside;
      out[y * width + x] = inside ? 1 : 0;
    }
  }
  return out;
}

describe('maskToPolygons', () => {
  it('traces a pixel and a rectangle along pixel edges, clockwise, corners only', () => {
    expect(maskToPolygons(grid(['#']))).toEqual([{ exterior: [0, 0, 1, 0, 1, 1, 0, 1], holes: [], area: 1 }]);
    const [rect] = maskToPolygons(grid(['.....', '.###.', '.###.', '.....']));
    expect(rect).toEqual({ exterior: [1, 1, 4, 1, 4, 3, 1, 3], holes: [], area: 6 });
    expect(ringArea(rect!.exterior)).toBe(6);
  });

  it('finds holes (counter-clockwise) and assigns them to their region', () => {
    const polygons = maskToPolygons(grid(['#####', '#...#', '#.#.#', '#...#', '#####']));
    expect(polygons).toHaveLength(2);
    const [ring, dot] = polygons as [MaskPolygon, MaskPolygon];
    expect(ring.exterior).toEqual([0, 0, 5, 0, 5, 5, 0, 5]);
    expect(ring.holes).toEqual([[1, 1, 1, 4, 4, 4, 4, 1]]);
    expect(ringArea(ring.holes[0]!)).toBe(-9);
    expect(ring.area).toBe(16);
    expect(dot).toEqual({ exterior: [2, 2, 3, 2, 3, 3, 2, 3], holes: [], area: 1 });
  });

  it('joins diagonal neighbours with 8-connectivity and separates them with 4', () => {
    const diagonal = grid(['#.', '.#']);
    const eight = maskToPolygons(diagonal);
    expect(eight).toHaveLength(1);
    expect(eight[0]!.area).toBe(2);
    expect(eight[0]!.exterior).toEqual([0, 0, 1, 0, 1, 1, 2, 1, 2, 2, 1, 2, 1, 1, 0, 1]);
    const four = maskToPolygons(diagonal, { connectivity: 4 });
    expect(four.map((p) => p.area)).toEqual([1, 1]);
  });

  it('rasterises back to the mask exactly, for random masks and both connectivities', () => {
    let s = 7;
    for (const [w, h, density] of [
      [9, 7, 0.5],
      [23, 17, 0.35],
      [40, 30, 0.6],
      [1, 12, 0.5],
    ] as const) {
      const data = Uint8Array.from({ length: w * h }, () => {
        s = (Math.imul(s, 1103515245) + 12345) >>> 0;
        return s / 2 ** 32 < density ? 1 : 0;
      });
      const mask = { width: w, height: h, data };
      for (const connectivity of [4, 8] as const) {
        const polygons = maskToPolygons(mask, { connectivity });
        expect(rasterise(polygons, w, h)).toEqual(data);
        expect(polygons.reduce((a, p) => a + p.area, 0)).toBe(data.reduce((a, b) => a + b, 0));
      }
    }
  });

  it('simplifies with Douglas–Peucker and drops small regions', () => {
    // a staircase diagonal: many corners, nearly a triangle
    const rows = Array.from({ length: 20 }, (_, y) => '#'.repeat(y + 1) + '.'.repeat(19 - y));
    const mask = grid(rows);
    const exact = maskToPolygons(mask)[0]!;
    const simple = maskToPolygons(mask, { tolerance: 1 })[0]!;
    expect(exact.exterior.length / 2).toBe(42); // (0,0), (1,0), 19 steps of 2 corners, (20,20), (0,20)
    expect(simple.exterior.length / 2).toBeLessThanOrEqual(5);
    expect(simple.area).toBe(exact.area);
    const specks = grid(['#....', '.....', '..###', '..###']);
    expect(maskToPolygons(specks, { minArea: 2 }).map((p) => p.area)).toEqual([6]);
    expect(maskToPolygons(grid(['...', '...']))).toEqual([]);
  });

  it('rejects soft masks and bad options', () => {
    const mask = grid(['#']);
    expect(() => maskToPolygons({ width: 1, height: 1, data: new Float32Array(1) } as never)).toThrow(ProcessorError);
    expect(() => maskToPolygons(mask, { tolerance: -1 })).toThrow(ProcessorError);
    expect(() => maskToPolygons(mask, { connectivity: 6 as 4 })).toThrow(ProcessorError);
  });
});

describe('polyline helpers', () => {
  it('simplifyPolyline keeps the ends and far points', () => {
    expect(simplifyPolyline([0, 0, 1, 0.1, 2, 0, 3, 5, 4, 0], 0.5)).toEqual([0, 0, 2, 0, 3, 5, 4, 0]);
    expect(simplifyPolyline([0, 0, 1, 0.1, 2, 0], 0.5)).toEqual([0, 0, 2, 0]);
    expect(simplifyRing([0, 0, 1, 0, 2, 0, 2, 2, 0, 2], 0.1)).toEqual([0, 0, 2, 0, 2, 2, 0, 2]);
  });
});

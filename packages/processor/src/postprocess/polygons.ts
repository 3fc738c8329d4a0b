import { ProcessorError, checkNumber } from '../errors.js';
import { checkMask, isBinaryMask } from '../mask/mask.js';
import type { BinaryMask } from '../mask/mask.js';
import { pointInRing, ringArea, simplifyRing } from './simplify.js';

/** One connected foreground region as polygons, in pixel-corner coordinates (pixel `(x, y)` spans `[x, x+1] × [y, y+1]`). */
export interface MaskPolygon {
  /** Outer boundary, flat `[x0, y0, x1, y1, …]` (last point not repeated), clockwise on screen (y down). */
  readonly exterior: number[];
  /** Holes, each a flat ring, counter-clockwise on screen. */
  readonly holes: number[][];
  /** Foreground pixels of the region: exterior area minus hole areas, before simplification. */
  readonly area: number;
}

/** Options of {@link maskToPolygons}. */
export interface MaskToPolygonsOptions {
  /** Douglas–Peucker tolerance in pixels; 0 (default) keeps every corner of the pixel boundary, losslessly. */
  readonly tolerance?: number;
  /** Drop regions with fewer foreground pixels than this, and holes smaller than this; default 0 (keep all). */
  readonly minArea?: number;
  /**
   * Foreground connectivity: 8 (default) joins pixels that touch only at a corner into one region, 4 does not.
   * Background connectivity is the other one, so holes are always closed rings.
   */
  readonly connectivity?: 4 | 8;
}

// Directions: 0 east (+x), 1 south (+y), 2 west, 3 north.
const DX = [1, 0, -1, 0] as const;
const DY = [0, 1, 0, -1] as const;

/**
 * Traces the boundaries of the foreground along pixel edges (crack following, equivalent to marching squares on
 * the pixel-corner grid). Every fg/bg edge becomes a directed edge with the foreground on its right, so outer
 * boundaries run clockwise and holes counter-clockwise; at a saddle corner (two diagonal foreground pixels) the
 * walk turns left to join them (8-connectivity) or right to keep them apart (4-connectivity).
 */
function traceRings(mask: BinaryMask, connectivity: 4 | 8): number[][] {
  const { width: w, height: h, data } = mask;
  const vw = w + 1;
  const fg = (x: number, y: number): boolean => x >= 0 && y >= 0 && x < w && y < h && data[y * w + x] === 1;
  const out = new Uint8Array(vw * (h + 1)); // outgoing edge bits per vertex
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!fg(x, y)) continue;
      if (!fg(x, y - 1)) out[y * vw + x]! |= 1 << 0; // top edge, east
      if (!fg(x + 1, y)) out[y * vw + x + 1]! |= 1 << 1; // right edge, south
      if (!fg(x, y + 1)) out[(y + 1) * vw + x + 1]! |= 1 << 2; // bottom edge, west
      if (!fg(x - 1, y)) out[(y + 1) * vw + x]! |= 1 << 3; // left edge, north
    }
  }
  const rings: number[][] = [];
  for (let start = 0; start < out.length; start++) {
    while (out[start] !== 0) {
      const bits = out[start]!;
      const firstDir = 31 - Math.clz32(bits & -bits);
      const ring: number[] = [];
      let v = start;
      let dir = firstDir;
      let incoming = -1;
      for (;;) {
        if (dir !== incoming) ring.push(v % vw, Math.floor(v / vw)); // a corner
        out[v] = out[v]! & ~(1 << dir);
        v += DX[dir]! + DY[dir]! * vw;
        incoming = dir;
        // Back at the start: closed if the walk would leave along the (already cleared) first edge.
        if (v === start && nextDir(out[v]! | (1 << firstDir), incoming, connectivity) === firstDir) break;
        dir = nextDir(out[v]!, incoming, connectivity);
        if (dir < 0) break; // unreachable: every vertex has as many outgoing edges as incoming ones
      }
      if (firstDir === incoming) ring.splice(0, 2); // the start lies inside a straight run
      rings.push(ring);
    }
  }
  return rings;
}

/** The outgoing direction at a vertex with edge bits `bits`, arriving in direction `incoming`. */
function nextDir(bits: number, incoming: number, connectivity: 4 | 8): number {
  const right = (incoming + 1) & 3;
  const left = (incoming + 3) & 3;
  const hasRight = (bits & (1 << right)) !== 0;
  const hasLeft = (bits & (1 << left)) !== 0;
  if (hasRight && hasLeft) return connectivity === 8 ? left : right;
  if (hasRight) return right;
  if (hasLeft) return left;
  return (bits & (1 << incoming)) !== 0 ? incoming : -1;
}

/**
 * Polygons of the foreground of a binary mask, for JSON (GeoJSON-like rings, or COCO `segmentation` polygons: use
 * each `exterior`; COCO polygons cannot express holes, use RLE for those). Boundaries follow pixel edges exactly
 * (filling the rings rasterises back to the mask); `tolerance` simplifies them with Douglas–Peucker. Regions come
 * in scan order of their top-left corner.
 *
 * @throws {@link ProcessorError} `PROCESSOR_INVALID_ARGUMENT` for a soft mask or bad options, and as
 *   {@link checkMask}
 */
export function maskToPolygons(mask: BinaryMask, options: MaskToPolygonsOptions = {}): MaskPolygon[] {
  checkMask(mask);
  if (!isBinaryMask(mask)) throw new ProcessorError('PROCESSOR_INVALID_ARGUMENT', 'maskToPolygons needs a binary mask; threshold it first (thresholdMask).');
  const tolerance = checkNumber(options.tolerance ?? 0, 'tolerance', 0);
  const minArea = checkNumber(options.minArea ?? 0, 'minArea', 0);
  const connectivity = options.connectivity ?? 8;
  if (connectivity !== 4 && connectivity !== 8) {
    throw new ProcessorError('PROCESSOR_INVALID_ARGUMENT', `connectivity must be 4 or 8, got ${String(connectivity)}.`);
  }
  const rings = traceRings(mask, connectivity).map((points) => ({ points, area: ringArea(points) }));
  const outers = rings.filter((r) => r.area > 0).map((r) => ({ ...r, holes: [] as { points: number[]; area: number }[] }));
  for (const hole of rings.filter((r) => r.area < 0)) {
    // The pixel right of the hole's first edge is foreground of the region the hole belongs to.
    const [x0, y0, x1, y1] = hole.points as [number, number, number, number];
    const dx = Math.sign(x1 - x0);
    const dy = Math.sign(y1 - y0);
    const px = Math.min(x0, x0 + dx) + (dx === 0 ? (dy > 0 ? -1 : 0) : 0) + 0.5;
    const py = Math.min(y0, y0 + dy) + (dy === 0 ? (dx > 0 ? 0 : -1) : 0) + 0.5;
    let owner: (typeof outers)[number] | undefined;
    for (const outer of outers) {
      if ((owner === undefined || outer.area < owner.area) && pointInRing(px, py, outer.points)) owner = outer;
    }
    owner?.holes.push(hole);
  }
  const result: MaskPolygon[] = [];
  for (const outer of outers) {
    const holes = outer.holes.filter((hole) => -hole.area >= minArea);
    const area = outer.area + outer.holes.reduce((sum, hole) => sum + hole.area, 0);
    if (area < minArea) continue;
    result.push({ exterior: simplifyRing(outer.points, tolerance), holes: holes.map((hole) => simplifyRing(hole.points, tolerance)), area });
  }
  return result;
}

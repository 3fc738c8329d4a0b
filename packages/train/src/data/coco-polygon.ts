/**
 * Rasterizes COCO polygons to COCO run-length encodings exactly as pycocotools does (`frPyObjects` on a polygon list
 * calls `rleFrPoly` in `common/maskApi.c`), so masks equal pycocotools' `annToMask` pixel for pixel.
 *
 * pycocotools' rule, reimplemented here: the vertices are scaled by 5 and rounded (`(int)(5·v + 0.5)`, truncating
 * toward zero); every edge is walked one upsampled step at a time along its major axis, the minor coordinate
 * rounded the same way; wherever the walk crosses an upsampled column `5·x + 2` (the centre of pixel column `x`,
 * inside the image) it records a y-boundary at `ceil((min(v, v') + 0.5) / 5 - 0.5)`, clamped to [0, height]. The
 * boundaries, as column-major pixel indices `x·height + y` and sorted, toggle the mask on and off down each column
 * (pairs at the same index cancel). In effect a pixel is inside when its centre, sampled on the 5× grid, lies
 * between an odd number of crossings above it.
 */

/** Most polygon perimeter accepted, as a multiple of `width + height` (see {@link polygonPerimeterOk}). */
export const MAX_POLYGON_PERIMETER_FACTOR = 1000;

const SCALE = 5;

function upsample(xy: readonly number[]): { x: number[]; y: number[] } {
  const k = xy.length >> 1;
  const x: number[] = [];
  const y: number[] = [];
  for (let j = 0; j < k; j++) {
    x.push(Math.trunc(SCALE * xy[2 * j]! + 0.5));
    y.push(Math.trunc(SCALE * xy[2 * j + 1]! + 0.5));
  }
  x.push(x[0]!);
  y.push(y[0]!);
  return { x, y };
}

/**
 * True when walking the polygon costs at most {@link MAX_POLYGON_PERIMETER_FACTOR} × (width + height) pixel steps
 * (sum over edges of max(|dx|, |dy|)), which bounds the time and memory {@link polygonToRleCounts} needs. COCO's
 * polygons are far below it; a hostile one with far-away vertices is not.
 */
export function polygonPerimeterOk(xy: readonly number[], height: number, width: number): boolean {
  if (xy.length < 2) return true;
  const { x, y } = upsample(xy);
  const limit = SCALE * MAX_POLYGON_PERIMETER_FACTOR * (width + height);
  let steps = 0;
  for (let j = 0; j + 1 < x.length; j++) {
    steps += Math.max(Math.abs(x[j + 1]! - x[j]!), Math.abs(y[j + 1]! - y[j]!)) + 1;
    if (!(steps <= limit)) return false;
  }
  return true;
}

/**
 * pycocotools' `rleFrPoly`: the uncompressed COCO RLE counts (column-major, background first, summing to
 * `height × width`) of one polygon `[x1, y1, x2, y2, …]` in pixel coordinates (pixel `(i, j)` covers
 * `[i, i+1) × [j, j+1)`). Call {@link polygonPerimeterOk} first on untrusted polygons.
 *
 * The one deliberate difference: an edge between two equal upsampled vertices, where pycocotools divides 0 by 0
 * and converts NaN to int (undefined in C), uses slope 0; the point it yields never changes column, so the mask is
 * the same.
 */
export function polygonToRleCounts(xy: readonly number[], height: number, width: number): number[] {
  const boundaries: number[] = [];
  if (xy.length >= 2) {
    const { x, y } = upsample(xy);
    let hasPrev = false;
    let pu = 0;
    let pv = 0;
    const visit = (u: number, v: number): void => {
      if (hasPrev && u !== pu) {
        let xd = u < pu ? u : u - 1;
        xd = (xd + 0.5) / SCALE - 0.5;
        if (Math.floor(xd) === xd && xd >= 0 && xd <= width - 1) {
          let yd = Math.min(v, pv);
          yd = (yd + 0.5) / SCALE - 0.5;
          yd = Math.ceil(yd < 0 ? 0 : yd > height ? height : yd);
          boundaries.push(xd * height + yd);
        }
      }
      hasPrev = true;
      pu = u;
      pv = v;
    };
    for (let j = 0; j + 1 < x.length; j++) {
      let xs = x[j]!;
      let xe = x[j + 1]!;
      let ys = y[j]!;
      let ye = y[j + 1]!;
      const dx = Math.abs(xe - xs);
      const dy = Math.abs(ys - ye);
      const flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
      if (flip) {
        [xs, xe] = [xe, xs];
        [ys, ye] = [ye, ys];
      }
      if (dx >= dy) {
        const s = dx === 0 ? 0 : (ye - ys) / dx;
        for (let d = 0; d <= dx; d++) {
          const t = flip ? dx - d : d;
          visit(t + xs, Math.trunc(ys + s * t + 0.5));
        }
      } else {
        const s = (xe - xs) / dy;
        for (let d = 0; d <= dy; d++) {
          const t = flip ? dy - d : d;
          visit(Math.trunc(xs + s * t + 0.5), t + ys);
        }
      }
    }
  }
  boundaries.push(height * width);
  boundaries.sort((a, b) => a - b);
  const counts: number[] = [];
  let previous = 0;
  let pendingMerge = false;
  for (const a of boundaries) {
    const run = a - previous;
    previous = a;
    if (counts.length === 0) counts.push(run);
    else if (pendingMerge) {
      counts[counts.length - 1]! += run;
      pendingMerge = false;
    } else if (run > 0) counts.push(run);
    else pendingMerge = true;
  }
  return counts;
}

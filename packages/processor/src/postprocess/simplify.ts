/** Distance from `(px, py)` to the segment `(ax, ay)–(bx, by)`. */
function segmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const length2 = dx * dx + dy * dy;
  let t = length2 === 0 ? 0 : ((px - ax) * dx + (py - ay) * dy) / length2;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** Marks the points of `points[from..to]` (flat x, y pairs) that Douglas–Peucker keeps, iteratively. */
function markKept(points: readonly number[], from: number, to: number, tolerance: number, keep: Uint8Array): void {
  const stack: [number, number][] = [[from, to]];
  while (stack.length > 0) {
    const [a, b] = stack.pop()!;
    let worst = -1;
    let worstDistance = tolerance;
    for (let i = a + 1; i < b; i++) {
      const d = segmentDistance(points[2 * i]!, points[2 * i + 1]!, points[2 * a]!, points[2 * a + 1]!, points[2 * b]!, points[2 * b + 1]!);
      if (d > worstDistance) {
        worst = i;
        worstDistance = d;
      }
    }
    if (worst >= 0) {
      keep[worst] = 1;
      stack.push([a, worst], [worst, b]);
    }
  }
}

/**
 * Douglas–Peucker simplification of an open polyline given as flat `[x0, y0, x1, y1, …]`: keeps the end points
 * and every point farther than `tolerance` from the simplified segment that replaces it.
 */
export function simplifyPolyline(points: readonly number[], tolerance: number): number[] {
  const n = points.length / 2;
  if (n <= 2 || tolerance <= 0) return points.slice();
  const keep = new Uint8Array(n);
  keep[0] = keep[n - 1] = 1;
  markKept(points, 0, n - 1, tolerance, keep);
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (keep[i]) out.push(points[2 * i]!, points[2 * i + 1]!);
  return out;
}

/**
 * Douglas–Peucker simplification of a closed ring (flat `[x0, y0, …]`, last point not repeated): the ring is split
 * at its first point and the point farthest from it, and both halves are simplified. Returns the input unchanged
 * when simplifying would leave fewer than 3 points.
 */
export function simplifyRing(points: readonly number[], tolerance: number): number[] {
  const n = points.length / 2;
  if (n <= 3 || tolerance <= 0) return points.slice();
  let far = 0;
  let farDistance = -1;
  for (let i = 1; i < n; i++) {
    const d = Math.hypot(points[2 * i]! - points[0]!, points[2 * i + 1]! - points[1]!);
    if (d > farDistance) {
      far = i;
      farDistance = d;
    }
  }
  const keep = new Uint8Array(n + 1);
  const closed = [...points, points[0]!, points[1]!];
  keep[0] = keep[far] = 1;
  markKept(closed, 0, far, tolerance, keep);
  markKept(closed, far, n, tolerance, keep);
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (keep[i]) out.push(points[2 * i]!, points[2 * i + 1]!);
  return out.length >= 6 ? out : points.slice();
}

/** Signed area of a ring (shoelace); positive for clockwise rings on screen (y pointing down). */
export function ringArea(points: readonly number[]): number {
  const n = points.length / 2;
  let sum = 0;
  for (let i = 0, j = n - 1; i < n; j = i++) sum += points[2 * j]! * points[2 * i + 1]! - points[2 * i]! * points[2 * j + 1]!;
  return sum / 2;
}

/** Even–odd point-in-ring test (ray casting). */
export function pointInRing(x: number, y: number, points: readonly number[]): boolean {
  const n = points.length / 2;
  let inside = false;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = points[2 * i]!;
    const yi = points[2 * i + 1]!;
    const xj = points[2 * j]!;
    const yj = points[2 * j + 1]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

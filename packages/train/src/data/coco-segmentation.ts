import { decodeRleCounts } from '@clipseg/processor';
import type { CocoSegment } from './dataset-item.js';
import { polygonPerimeterOk, MAX_POLYGON_PERIMETER_FACTOR } from './coco-polygon.js';
import { describe } from './read-dataset-file.js';
import type { ProblemList } from './train-data-error.js';

/** Where a segmentation is, for messages, and where its findings go. */
export interface SegmentationContext {
  /** The annotations file. */
  readonly file: string;
  /** The annotation's place, e.g. `annotations[12]`. */
  readonly where: string;
  /** The image's size, from `images[]`. */
  readonly width: number;
  /** The image's size, from `images[]`. */
  readonly height: number;
  /** Problems: the dataset is refused. */
  readonly problems: ProblemList;
  /** Warnings: the piece is skipped, as detectron2 and pycocotools users do. */
  readonly warnings: ProblemList;
}

/**
 * Validates a COCO annotation's `segmentation`: a list of polygons `[[x1, y1, x2, y2, …], …]`, an uncompressed RLE
 * `{size: [h, w], counts: [...]}` or a compressed one `{size, counts: "…"}`. Records every problem (odd coordinate
 * counts, non-numbers, polygons far outside the image, RLE sizes other than the image's, counts that do not cover
 * it) and returns the valid segments, or `undefined` when there was a problem. Polygons of fewer than 3 points
 * are skipped with a warning, as detectron2 does (pycocotools would read a first polygon of exactly 4 numbers as a
 * box).
 */
export function parseSegmentation(segmentation: unknown, context: SegmentationContext): CocoSegment[] | undefined {
  const { file, where, problems } = context;
  const at = `${where}.segmentation`;
  if (Array.isArray(segmentation)) return parsePolygons(segmentation, context, at);
  if (typeof segmentation === 'object' && segmentation !== null) {
    const rle = parseRle(segmentation as Record<string, unknown>, context, at);
    return rle === undefined ? undefined : [rle];
  }
  problems.add(file, `must be a list of polygons or an RLE object {size, counts}, not ${describe(segmentation)}.`, at);
  return undefined;
}

function parsePolygons(list: readonly unknown[], context: SegmentationContext, at: string): CocoSegment[] | undefined {
  const { file, problems, warnings, width, height } = context;
  const segments: CocoSegment[] = [];
  let ok = true;
  list.forEach((polygon, p) => {
    const here = `${at}[${p}]`;
    if (!Array.isArray(polygon)) {
      problems.add(file, `must be a polygon [x1, y1, x2, y2, …], not ${describe(polygon)}.`, here);
      ok = false;
      return;
    }
    const bad = polygon.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
    if (bad >= 0) {
      problems.add(file, `[${bad}] must be a finite number (a coordinate), not ${describe(polygon[bad])}.`, here);
      ok = false;
      return;
    }
    if (polygon.length % 2 !== 0) {
      problems.add(file, `has ${polygon.length} coordinates, an odd number; a polygon is x, y pairs.`, here);
      ok = false;
      return;
    }
    if (polygon.length < 6) {
      warnings.add(file, `has ${polygon.length / 2} point${polygon.length === 2 ? '' : 's'}, fewer than a polygon's 3; it is skipped.`, here);
      return;
    }
    const points = polygon as number[];
    if (!polygonPerimeterOk(points, height, width)) {
      problems.add(file, `is longer than ${MAX_POLYGON_PERIMETER_FACTOR} × (width + height) of its ${width} × ${height} image; its vertices lie far outside it.`, here);
      ok = false;
      return;
    }
    segments.push({ kind: 'polygon', points });
  });
  return ok ? segments : undefined;
}

function parseRle(rle: Record<string, unknown>, context: SegmentationContext, at: string): CocoSegment | undefined {
  const { file, problems, width, height } = context;
  const size = rle.size;
  if (!Array.isArray(size) || size.length !== 2 || !size.every((v) => Number.isSafeInteger(v))) {
    problems.add(file, `.size must be [height, width], not ${describe(size)}.`, at);
    return undefined;
  }
  if (size[0] !== height || size[1] !== width) {
    problems.add(file, `.size is [${String(size[0])}, ${String(size[1])}], but the image is ${height} high and ${width} wide; an RLE must cover its image.`, at);
    return undefined;
  }
  let counts: unknown = rle.counts;
  if (typeof counts === 'string') {
    try {
      counts = decodeRleCounts(counts);
    } catch (error) {
      problems.add(file, `.counts is not a valid compressed RLE: ${error instanceof Error ? error.message : String(error)}`, at);
      return undefined;
    }
  }
  if (!Array.isArray(counts)) {
    problems.add(file, `.counts must be run lengths or a compressed RLE string, not ${describe(counts)}.`, at);
    return undefined;
  }
  const pixels = width * height;
  let total = 0;
  for (let i = 0; i < counts.length; i++) {
    const run: unknown = counts[i];
    if (typeof run !== 'number' || !Number.isSafeInteger(run) || run < 0) {
      problems.add(file, `.counts[${i}] must be a non-negative integer run length, not ${describe(run)}.`, at);
      return undefined;
    }
    total += run;
    if (total > pixels) break;
  }
  if (total !== pixels) {
    problems.add(file, `.counts add up to ${total > pixels ? `more than ${pixels}` : total} pixels, not the image's ${height} × ${width} = ${pixels}.`, at);
    return undefined;
  }
  return { kind: 'rle', counts: counts as number[] };
}

import type { BinaryMask } from '@clipseg/processor';
import type { CocoDatasetItem } from './dataset-item.js';
import { polygonToRleCounts } from './coco-polygon.js';

/**
 * Draws a COCO item's target: the union of its segments, polygons rasterized as pycocotools' `frPyObjects` +
 * `decode` (see {@link polygonToRleCounts}) and RLEs decoded, at the image's size from the annotations. Equal to
 * OR-ing pycocotools' `annToMask` over the item's annotations.
 */
export function cocoItemMask(item: CocoDatasetItem): BinaryMask {
  const { width, height } = item;
  const data = new Uint8Array(width * height);
  for (const segment of item.segments) {
    const counts = segment.kind === 'polygon' ? polygonToRleCounts(segment.points, height, width) : segment.counts;
    paintRuns(data, counts, width, height);
  }
  return { width, height, data };
}

/** Sets the foreground runs of column-major COCO RLE counts in a row-major mask (never past its end). */
function paintRuns(data: Uint8Array, counts: readonly number[], width: number, height: number): void {
  const total = width * height;
  let position = 0;
  for (let i = 0; i < counts.length && position < total; i++) {
    const end = Math.min(position + counts[i]!, total);
    if (i % 2 === 1) {
      let x = Math.floor(position / height);
      let y = position % height;
      for (let p = position; p < end; p++) {
        data[y * width + x] = 1;
        if (++y === height) {
          y = 0;
          x++;
        }
      }
    }
    position = end;
  }
}

import type { ImageSize } from '@clipseg/core';

/** A binary mask: one byte per pixel, row-major, 0 or 1. */
export interface GradMask {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/**
 * A binary mask resized to `size` by nearest neighbour, as Pillow's `Image.resize(size, NEAREST)`: output pixel
 * `(y, x)` takes source pixel `(floor((y + 0.5) · h / H), floor((x + 0.5) · w / W)))`. Thresholding before or
 * after a nearest-neighbour resize gives the same mask, so `> 127` then resize equals resize then `> 127`. Returns
 * float32 0/1 targets, row-major `[H × W]`; a mask already at `size` is copied as it is.
 */
export function resizeMaskNearest(mask: GradMask, size: ImageSize): Float32Array {
  const { width: w, height: h, data } = mask;
  const out = new Float32Array(size.height * size.width);
  for (let y = 0; y < size.height; y++) {
    const sy = Math.min(h - 1, Math.floor(((y + 0.5) * h) / size.height));
    for (let x = 0; x < size.width; x++) {
      const sx = Math.min(w - 1, Math.floor(((x + 0.5) * w) / size.width));
      out[y * size.width + x] = data[sy * w + sx]!;
    }
  }
  return out;
}

import type { ImageSize } from '@clipseg/core';
import type { BinaryMask } from '@clipseg/processor';

/**
 * A binary mask resized to `size` by nearest neighbour, as Pillow's `Image.resize(size, NEAREST)`: output pixel
 * `(y, x)` takes source pixel `(floor((y + 0.5) · h / H), floor((x + 0.5) · w / W)))`. Thresholding before or
 * after a nearest-neighbour resize gives the same mask, so `> 127` then resize equals resize then `> 127`: this is
 * how a training target of another size than the model input becomes one. A mask already at `size` is copied.
 */
export function resizeMaskNearest(mask: BinaryMask, size: ImageSize): BinaryMask {
  const { width: w, height: h, data } = mask;
  const out = new Uint8Array(size.height * size.width);
  const columns = Int32Array.from({ length: size.width }, (_, x) => Math.min(w - 1, Math.floor(((x + 0.5) * w) / size.width)));
  for (let y = 0; y < size.height; y++) {
    const row = Math.min(h - 1, Math.floor(((y + 0.5) * h) / size.height)) * w;
    for (let x = 0; x < size.width; x++) out[y * size.width + x] = data[row + columns[x]!]!;
  }
  return { width: size.width, height: size.height, data: out };
}

/** A binary mask as float32 training targets (0 or 1), row-major. */
export function maskTargets(mask: BinaryMask): Float32Array {
  return Float32Array.from(mask.data);
}

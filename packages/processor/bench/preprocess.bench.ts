/**
 * Pre-processing throughput on one core: a 1024 × 768 RGB image to CLIPSeg's 352 × 352 `pixel_values`.
 *
 *   node --conditions=clipseg-source --import tsx packages/processor/bench/preprocess.bench.ts
 *   (or `pnpm bench` inside packages/processor)
 *
 * Runs, in this process, on the same seeded image:
 * - `preprocess`: Pillow-exact antialiased bilinear resize (fixed point, two passes) + rescale + normalize + CHW;
 * - `resizeImage` alone;
 * - baseline: a naive float bilinear resize (4 taps per output pixel, no antialiasing, float64, the kind of
 *   resize a canvas or a quick port would do) + the same rescale/normalize/CHW.
 * Prints the median of several timed repeats after a warm-up, and the ratio preprocess / baseline.
 */
import { ViTImageProcessorConfig } from '@clipseg/core';
import { preprocess, resizeImage } from '../src/index.js';
import type { RasterImage } from '../src/index.js';

const WIDTH = 1024;
const HEIGHT = 768;
const SIZE = 352;
const REPEATS = 15;

const config = new ViTImageProcessorConfig({
  size: { height: SIZE, width: SIZE },
  image_mean: [0.485, 0.456, 0.406],
  image_std: [0.229, 0.224, 0.225],
});

function makeImage(): RasterImage {
  let seed = 20240611;
  const data = new Uint8Array(WIDTH * HEIGHT * 3);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const noise = seed >>> 27;
      const i = (y * WIDTH + x) * 3;
      data[i] = (x >> 2) + noise;
      data[i + 1] = (y >> 2) + noise;
      data[i + 2] = ((x + y) >> 3) + noise;
    }
  }
  return { width: WIDTH, height: HEIGHT, channels: 3, data };
}

/** Naive float bilinear (align-corners-false sampling, 4 taps, no antialias) + normalize, CHW float32. */
function naivePreprocess(image: RasterImage): Float32Array {
  const { width: w, height: h, data } = image;
  const out = new Float32Array(3 * SIZE * SIZE);
  const mean = config.image_mean;
  const std = config.image_std;
  const sx = w / SIZE;
  const sy = h / SIZE;
  for (let y = 0; y < SIZE; y++) {
    const fy = Math.max(0, (y + 0.5) * sy - 0.5);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, h - 1);
    const wy = fy - y0;
    for (let x = 0; x < SIZE; x++) {
      const fx = Math.max(0, (x + 0.5) * sx - 0.5);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, w - 1);
      const wx = fx - x0;
      for (let c = 0; c < 3; c++) {
        const a = data[(y0 * w + x0) * 3 + c]!;
        const b = data[(y0 * w + x1) * 3 + c]!;
        const d = data[(y1 * w + x0) * 3 + c]!;
        const e = data[(y1 * w + x1) * 3 + c]!;
        const v = (a * (1 - wx) + b * wx) * (1 - wy) + (d * (1 - wx) + e * wx) * wy;
        out[c * SIZE * SIZE + y * SIZE + x] = (v / 255 - mean[c]!) / std[c]!;
      }
    }
  }
  return out;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function time(name: string, fn: () => unknown): number {
  for (let i = 0; i < 3; i++) fn(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  const ms = median(times);
  console.log(`${name.padEnd(44)} ${ms.toFixed(2).padStart(8)} ms  (median of ${REPEATS}, min ${Math.min(...times).toFixed(2)})`);
  return ms;
}

const image = makeImage();
console.log(`preprocess ${WIDTH}x${HEIGHT} RGB -> [1, 3, ${SIZE}, ${SIZE}], Node ${process.version}`);
const exact = time('preprocess (Pillow-exact resize + normalize)', () => preprocess([image], config));
time('resizeImage only (Pillow bilinear)', () => resizeImage(image, { width: SIZE, height: SIZE }));
const naive = time('baseline: naive float bilinear + normalize', () => naivePreprocess(image));
console.log(`ratio preprocess / baseline: ${(exact / naive).toFixed(2)}x`);

import type { RgbImage } from './raster-image.js';

/**
 * The built-in example scene, drawn procedurally (no photograph): a sky
 * gradient, a sun, a striped grass field, a house with a red roof and a blue
 * door, and a red ball. Plain pixel arithmetic, no canvas, so it is the same
 * image, pixel for pixel, in every runtime: `clipseg segment --example` and the
 * playground's example both show it. The prompts "a red ball" and "the house"
 * have something to find.
 *
 * @param width - width in pixels (default 480)
 * @param height - height in pixels (default 320)
 * @returns an RGB image of `width` × `height`
 */
export function exampleScene(width = 480, height = 320): RgbImage {
  const data = new Uint8Array(width * height * 3);
  const horizon = Math.round(height * 0.62);
  const put = (x: number, y: number, r: number, g: number, b: number) => {
    const i = (y * width + x) * 3;
    data[i] = r;
    data[i + 1] = g;
    data[i + 2] = b;
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (y < horizon) {
        const t = y / horizon;
        put(x, y, Math.round(110 + 90 * t), Math.round(160 + 70 * t), 235);
      } else {
        const stripe = ((x >> 3) + (y >> 2)) % 2 === 0 ? 8 : 0;
        put(x, y, 60 + stripe, 150 + stripe, 60);
      }
    }
  }
  const disc = (cx: number, cy: number, radius: number, rgb: readonly [number, number, number]) => {
    for (let y = Math.max(0, Math.floor(cy - radius)); y <= Math.min(height - 1, Math.ceil(cy + radius)); y++) {
      for (let x = Math.max(0, Math.floor(cx - radius)); x <= Math.min(width - 1, Math.ceil(cx + radius)); x++) {
        if ((x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2) put(x, y, ...rgb);
      }
    }
  };
  const rect = (x0: number, y0: number, x1: number, y1: number, rgb: readonly [number, number, number]) => {
    for (let y = Math.max(0, y0); y < Math.min(height, y1); y++) for (let x = Math.max(0, x0); x < Math.min(width, x1); x++) put(x, y, ...rgb);
  };
  disc(width * 0.82, height * 0.18, height * 0.09, [250, 220, 60]);
  const hx = Math.round(width * 0.12);
  const hw = Math.round(width * 0.3);
  const hy = Math.round(height * 0.38);
  rect(hx, hy, hx + hw, horizon + 10, [210, 180, 140]);
  for (let y = Math.round(height * 0.2); y < hy; y++) {
    const half = ((y - height * 0.2) / (hy - height * 0.2)) * (hw / 2 + 12);
    rect(Math.round(hx + hw / 2 - half), y, Math.round(hx + hw / 2 + half), y + 1, [150, 50, 40]);
  }
  rect(hx + Math.round(hw * 0.4), horizon - 50, hx + Math.round(hw * 0.6), horizon + 10, [40, 70, 160]);
  disc(width * 0.62, horizon + height * 0.14, height * 0.08, [200, 30, 35]);
  return { width, height, channels: 3, data };
}

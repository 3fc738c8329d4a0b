import type { RasterImage8 } from '@clipseg/processor';

/** RGBA pixels of an 8-bit image of 1–4 channels (gray, gray+alpha, RGB, RGBA). */
export function toRgbaPixels(image: RasterImage8): Uint8ClampedArray<ArrayBuffer> {
  const n = image.width * image.height;
  const out = new Uint8ClampedArray(n * 4);
  const c = image.channels;
  for (let i = 0; i < n; i++) {
    const o = i * c;
    const gray = c <= 2;
    out[i * 4] = image.data[o]!;
    out[i * 4 + 1] = gray ? image.data[o]! : image.data[o + 1]!;
    out[i * 4 + 2] = gray ? image.data[o]! : image.data[o + 2]!;
    out[i * 4 + 3] = c === 2 ? image.data[o + 1]! : c === 4 ? image.data[o + 3]! : 255;
  }
  return out;
}

/** Draws `image` into `canvas` at its own resolution (CSS scales it down). */
export function drawPreview(canvas: HTMLCanvasElement, image: RasterImage8): void {
  canvas.width = image.width;
  canvas.height = image.height;
  const context = canvas.getContext('2d');
  if (context === null) return;
  context.putImageData(new ImageData(toRgbaPixels(image), image.width, image.height), 0, 0);
}

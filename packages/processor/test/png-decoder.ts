/**
 * A tiny PNG decoder for tests only (the package itself decodes nothing): 8- and 16-bit gray, gray + alpha, RGB,
 * RGBA and 8-bit palette images, not interlaced, every filter type. Ancillary chunks (iCCP, gAMA …) are ignored,
 * as Pillow ignores them when converting to RGB.
 */
import { inflateSync } from 'node:zlib';
import type { RasterImage } from '../src/index.js';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Decodes a PNG file into a {@link RasterImage}; throws on anything it does not support. */
export function decodePng(bytes: Uint8Array): RasterImage {
  if (!SIGNATURE.every((b, i) => bytes[i] === b)) throw new Error('not a PNG file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 8;
  let width = 0;
  let height = 0;
  let depth = 0;
  let colorType = 0;
  let palette: Uint8Array | undefined;
  const idat: Uint8Array[] = [];
  while (offset < bytes.length) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    offset += 12 + length;
    if (type === 'IHDR') {
      const header = new DataView(data.buffer, data.byteOffset, data.byteLength);
      width = header.getUint32(0);
      height = header.getUint32(4);
      [depth, colorType] = [data[8]!, data[9]!];
      if (data[12] !== 0) throw new Error('interlaced PNGs are not supported');
    } else if (type === 'PLTE') palette = data.slice();
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
  }
  const channels = ({ 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as Record<number, 1 | 2 | 3 | 4>)[colorType];
  if (channels === undefined || (depth !== 8 && depth !== 16) || (colorType === 3 && depth !== 8)) {
    throw new Error(`unsupported PNG: colour type ${colorType}, bit depth ${depth}`);
  }
  const raw = inflateSync(Buffer.concat(idat));
  const bpp = (channels * depth) / 8;
  const stride = width * bpp;
  const pixels = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = pixels.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? pixels.subarray((y - 1) * stride, y * stride) : new Uint8Array(stride);
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? out[i - bpp]! : 0;
      const b = prev[i]!;
      const c = i >= bpp ? prev[i - bpp]! : 0;
      const x = line[i]!;
      const predictor = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter];
      if (predictor === undefined) throw new Error(`bad PNG filter ${filter}`);
      out[i] = (x + predictor) & 0xff;
    }
  }
  if (depth === 16) {
    const data = new Uint16Array(width * height * channels);
    for (let i = 0; i < data.length; i++) data[i] = (pixels[2 * i]! << 8) | pixels[2 * i + 1]!;
    return { width, height, channels, data, bitDepth: 16 };
  }
  return { width, height, channels, data: pixels, ...(palette ? { palette } : {}) };
}

import type { ImageChannels, RasterImage } from '../image/raster-image.js';
import { checkDecodeSize, ImageDecodeError, type DecodeOptions } from './image-decode-error.js';

/**
 * Inflates a zlib stream (RFC 1950), giving at most `maxLength` bytes (more may be dropped): the runtime's
 * `DecompressionStream('deflate')`, `node:zlib`'s `inflateSync` …
 */
export type Inflate = (zlib: Uint8Array, maxLength: number) => Promise<Uint8Array>;

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Channels of each PNG colour type. */
const CHANNELS: Record<number, ImageChannels> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
/** Bit depths each colour type allows. */
const DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
/** Adam7 passes: x0, y0, dx, dy. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

/** True when `bytes` starts with the PNG signature. */
export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && SIGNATURE.every((b, i) => bytes[i] === b);
}

/** The header fields of a PNG that say how it decodes. */
export interface PngHeader {
  readonly width: number;
  readonly height: number;
  readonly bitDepth: number;
  readonly colorType: number;
  readonly interlaced: boolean;
}

/** Reads the IHDR of a PNG, or returns undefined when `bytes` does not start with a PNG signature and IHDR. */
export function readPngHeader(bytes: Uint8Array): PngHeader | undefined {
  if (!isPng(bytes) || bytes.length < 33 || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20), bitDepth: bytes[24]!, colorType: bytes[25]!, interlaced: bytes[28] === 1 };
}

/**
 * Decodes a PNG as Pillow 9.4 reads it, so that `toRgb` of the result equals `Image.open(p).convert('RGB')`: the
 * stored samples with no colour management (iCCP, gAMA, cHRM, sRGB ignored) and no alpha applied; 1-, 2- and 4-bit
 * gray scaled to 0–255 (Pillow's `1`, `L;2`, `L;4`); palettes as index images with their palette (tRNS ignored);
 * 16-bit samples kept (a `Uint16Array`, which `toRgb` reduces as Pillow: high byte for colour, clipped for gray).
 * Interlaced (Adam7) images too. Meant for runtimes whose own decoder loses precision (a browser canvas
 * premultiplies alpha and reduces 16 bits its own way).
 *
 * @param inflate - the zlib inflater to use (this package has none of its own)
 * @throws {@link ImageDecodeError} `DECODE_MALFORMED` (truncated, bad header or filter), `DECODE_EMPTY`,
 *   `DECODE_TOO_LARGE`
 */
export async function decodePng(bytes: Uint8Array, inflate: Inflate, options: DecodeOptions = {}): Promise<RasterImage> {
  const what = options.what ?? 'the PNG file';
  const malformed = (message: string): never => {
    throw new ImageDecodeError('DECODE_MALFORMED', `${what} ${message}; re-save it, or check that the file is complete.`);
  };
  const header = readPngHeader(bytes) ?? malformed('is not a PNG file (no signature and IHDR)');
  const { width, height, bitDepth, colorType, interlaced } = header;
  if (!(DEPTHS[colorType] ?? []).includes(bitDepth)) malformed(`has colour type ${colorType} with ${bitDepth}-bit samples, which PNG does not allow`);
  checkDecodeSize(width, height, options, what);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const idat: Uint8Array[] = [];
  let palette: Uint8Array | undefined;
  for (let pos = 8; ; ) {
    if (pos + 8 > bytes.length) malformed('is truncated (no IEND chunk)');
    const length = view.getUint32(pos);
    const type = String.fromCharCode(...bytes.subarray(pos + 4, pos + 8));
    if (pos + 12 + length > bytes.length) malformed(`is truncated inside its ${type} chunk`);
    const data = bytes.subarray(pos + 8, pos + 8 + length);
    if (type === 'IDAT') idat.push(data);
    else if (type === 'PLTE') palette = data.slice(0, Math.min(768, length - (length % 3)));
    else if (type === 'IEND') break;
    pos += 12 + length;
  }
  if (colorType === 3 && palette === undefined) malformed('is a palette image without a PLTE chunk');
  const channels = CHANNELS[colorType]!;
  const rowBytes = (w: number) => Math.ceil((w * channels * bitDepth) / 8);
  const passes = interlaced ? ADAM7 : ([[0, 0, 1, 1]] as const);
  const sizes = passes.map(([x0, y0, dx, dy]) => [Math.ceil((width - x0) / dx), Math.ceil((height - y0) / dy)] as const);
  const expected = sizes.reduce((sum, [w, h]) => sum + (w > 0 && h > 0 ? h * (1 + rowBytes(w)) : 0), 0);
  const raw = await inflate(concat(idat), expected);
  if (raw.length < expected) malformed(`is truncated: its image data inflates to ${raw.length} of ${expected} bytes`);
  const sixteen = bitDepth === 16;
  const out = sixteen ? new Uint16Array(width * height * channels) : new Uint8Array(width * height * channels);
  const scale = colorType === 0 && bitDepth < 8 ? 255 / (2 ** bitDepth - 1) : 1;
  const bpp = Math.max(1, (channels * bitDepth) / 8);
  const mask = 2 ** Math.min(bitDepth, 8) - 1;
  let offset = 0;
  passes.forEach(([x0, y0, dx, dy], p) => {
    const [pw, ph] = sizes[p]!;
    if (pw <= 0 || ph <= 0) return;
    const stride = rowBytes(pw);
    let previous: Uint8Array = new Uint8Array(stride);
    for (let y = 0; y < ph; y++) {
      const row = unfilter(raw, offset, stride, bpp, previous, malformed);
      offset += 1 + stride;
      previous = row;
      for (let x = 0; x < pw; x++) {
        const o = ((y0 + y * dy) * width + x0 + x * dx) * channels;
        for (let c = 0; c < channels; c++) {
          const i = x * channels + c;
          if (sixteen) out[o + c] = (row[2 * i]! << 8) | row[2 * i + 1]!;
          else if (bitDepth === 8) out[o + c] = row[i]!;
          else out[o + c] = ((row[(i * bitDepth) >> 3]! >> (8 - bitDepth - ((i * bitDepth) & 7))) & mask) * scale;
        }
      }
    }
  });
  return palette === undefined ? { width, height, channels, data: out } : { width, height, channels, data: out, palette };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Undoes the filter of the row at `raw[offset]` (filter byte, then `stride` bytes). */
function unfilter(raw: Uint8Array, offset: number, stride: number, bpp: number, up: Uint8Array, malformed: (m: string) => never): Uint8Array {
  const filter = raw[offset]!;
  const row = raw.slice(offset + 1, offset + 1 + stride);
  if (filter > 4) malformed(`has an unknown row filter (${filter})`);
  for (let i = 0; i < stride; i++) {
    const a = i >= bpp ? row[i - bpp]! : 0;
    const b = up[i]!;
    const c = i >= bpp ? up[i - bpp]! : 0;
    const predictor = filter === 1 ? a : filter === 2 ? b : filter === 3 ? (a + b) >> 1 : filter === 4 ? paeth(a, b, c) : 0;
    row[i] = (row[i]! + predictor) & 255;
  }
  return row;
}

import type { RasterImage } from '../image/raster-image.js';
import { decodeBmpRle } from './bmp-rle.js';
import { checkDecodeSize, ImageDecodeError, type DecodeOptions } from './image-decode-error.js';

/** How the samples of one pixel are laid out (Pillow's raw modes of the BMP plugin). */
type RawMode = '1' | 'L' | 'P;1' | 'P;4' | 'P' | 'BGR;15' | 'BGR;16' | 'BGR' | 'BGRX' | 'XBGR' | 'ABGR' | 'RGBA' | 'BGRA';

const RAW = 0;
const RLE8 = 1;
const RLE4 = 2;
const BITFIELDS = 3;
const HEADER_SIZES = [12, 40, 64, 108, 124];
/** Bitfield masks (R, G, B, A) Pillow 9.4 reads, and the raw mode each means. */
const MASKS_32: Record<string, RawMode> = {
  'ff0000,ff00,ff,0': 'BGRX',
  'ff000000,ff0000,ff00,0': 'XBGR',
  'ff000000,ff0000,ff00,ff': 'ABGR',
  'ff,ff00,ff0000,ff000000': 'RGBA',
  'ff0000,ff00,ff,ff000000': 'BGRA',
  '0,0,0,0': 'BGRA',
};
const MASKS_24: Record<string, RawMode> = { 'ff0000,ff00,ff': 'BGR' };
const MASKS_16: Record<string, RawMode> = { 'f800,7e0,1f': 'BGR;16', '7c00,3e0,1f': 'BGR;15' };
const BITS_PER_PIXEL: Record<RawMode, number> = { '1': 1, L: 8, 'P;1': 1, 'P;4': 4, P: 8, 'BGR;15': 16, 'BGR;16': 16, BGR: 24, BGRX: 32, XBGR: 32, ABGR: 32, RGBA: 32, BGRA: 32 };

/** True when `bytes` starts like a Windows bitmap (`BM`). */
export function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d;
}

/**
 * Decodes a Windows bitmap exactly as Pillow 9.4's `BmpImagePlugin` reads it, so that `toRgb` of the result equals
 * `Image.open(p).convert('RGB')`: 1-, 4- and 8-bit palettes (a black-and-white or identity-gray palette gives a gray
 * image, as Pillow's modes `1` and `L`), 16-bit (5-5-5, or 5-6-5 through `BI_BITFIELDS`), 24-bit, 32-bit (the
 * fourth byte ignored unless bitfields name an alpha mask, then RGBA), `BI_RLE8` and `BI_RLE4` (with Pillow's
 * quirks: a delta escape skips two more bytes, an odd-length absolute RLE4 run drops its last pixel), top-down and
 * bottom-up rows, the OS/2 12-byte header and the 40-, 64-, 108- and 124-byte ones. What Pillow refuses is refused.
 *
 * Palette images come back with `channels: 1` and a `palette` (indices past it read as gray, as in Pillow).
 *
 * @throws {@link ImageDecodeError} `DECODE_MALFORMED` (truncated, not a BMP), `DECODE_UNSUPPORTED` (a variant
 *   Pillow does not read), `DECODE_EMPTY`, `DECODE_TOO_LARGE`
 */
export function decodeBmp(bytes: Uint8Array, options: DecodeOptions = {}): RasterImage {
  const what = options.what ?? 'the BMP file';
  const malformed = (message: string): never => {
    throw new ImageDecodeError('DECODE_MALFORMED', `${what} ${message}; re-save it as PNG, or check that the file is complete.`);
  };
  const unsupported = (message: string): never => {
    throw new ImageDecodeError('DECODE_UNSUPPORTED', `${what} uses ${message}, which Pillow does not read either; convert it to PNG or a plain 24-bit BMP.`);
  };
  if (!isBmp(bytes)) malformed('is not a BMP file (no "BM" signature)');
  if (bytes.length < 18) malformed('is truncated inside its file header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number) => view.getUint16(at, true);
  const u32 = (at: number) => view.getUint32(at, true);
  let offset = u32(10);
  const headerSize = u32(14);
  if (!HEADER_SIZES.includes(headerSize)) unsupported(`an unknown header type (${headerSize} bytes)`);
  let cursor = 14 + headerSize;
  if (cursor > bytes.length) malformed(`is truncated inside its ${headerSize}-byte header`);
  let width: number;
  let height: number;
  let bits: number;
  let compression = RAW;
  let colors = 0;
  let topDown = false;
  let masks: readonly number[] = [];
  if (headerSize === 12) {
    [width, height, bits] = [u16(18), u16(20), u16(24)];
  } else {
    topDown = bytes[25] === 0xff; // Pillow's test for a negative height
    width = u32(18);
    height = topDown ? 2 ** 32 - u32(22) : u32(22);
    bits = u16(28);
    compression = u32(30);
    colors = u32(46);
    if (compression === BITFIELDS) {
      if (headerSize >= 56) masks = [u32(54), u32(58), u32(62), u32(66)];
      else {
        if (cursor + 12 > bytes.length) malformed('is truncated inside its bitfield masks');
        masks = [u32(cursor), u32(cursor + 4), u32(cursor + 8), 0];
        cursor += 12;
      }
    }
  }
  colors ||= 2 ** bits;
  if (offset === 14 + headerSize && bits <= 8) offset += 4 * colors;
  let rawMode: RawMode = ({ 1: 'P;1', 4: 'P;4', 8: 'P', 16: 'BGR;15', 24: 'BGR', 32: 'BGRX' } as Record<number, RawMode>)[bits] ?? unsupported(`${bits} bits per pixel`);
  if (compression === BITFIELDS) {
    const key = (n: number) => masks.slice(0, n).map((m) => m.toString(16)).join(',');
    const mode = bits === 32 ? MASKS_32[key(4)] : bits === 24 ? MASKS_24[key(3)] : bits === 16 ? MASKS_16[key(3)] : undefined;
    rawMode = mode ?? unsupported(`a ${bits}-bit bitfields layout (masks ${key(bits === 32 ? 4 : 3)})`);
  } else if (compression !== RAW && compression !== RLE8 && compression !== RLE4) {
    unsupported(`compression ${compression} (${compression === 4 ? 'JPEG' : compression === 5 ? 'PNG' : 'unknown'})`);
  }
  let palette: Uint8Array | undefined;
  if (bits <= 8) {
    if (!(colors > 0 && colors <= 256)) unsupported(`a palette of ${colors} colours`);
    const entry = headerSize === 12 ? 3 : 4;
    if (cursor + entry * colors > bytes.length) malformed('is truncated inside its palette');
    palette = new Uint8Array(colors * 3);
    let gray = true;
    for (let i = 0; i < colors; i++) {
      const [b, g, r] = [bytes[cursor + i * entry]!, bytes[cursor + i * entry + 1]!, bytes[cursor + i * entry + 2]!];
      palette.set([r, g, b], i * 3);
      const level = colors === 2 ? i * 255 : i;
      if (r !== level || g !== level || b !== level) gray = false;
    }
    if (gray) {
      rawMode = colors === 2 ? '1' : 'L'; // Pillow's modes "1" and "L": the samples are read as such, whatever `bits`
      palette = undefined;
    }
  }
  checkDecodeSize(width, height, options, what);
  if (compression === RLE8 || compression === RLE4) {
    if (bits > 8) unsupported(`RLE compression with ${bits} bits per pixel`);
    if (rawMode === '1') unsupported('RLE compression with a black-and-white palette');
    const indices = decodeBmpRle(bytes, offset, width, height, compression === RLE4, what);
    return finish(width, height, 1, topDown ? indices : flipRows(indices, width, height, 1), palette);
  }
  const rowBits = BITS_PER_PIXEL[rawMode] * width;
  const rowBytes = Math.ceil(rowBits / 8);
  const stride = Math.floor((width * bits + 31) / 32) * 4;
  // Pillow memory-maps 8-bit "P" and "L" data when the file holds `height` whole strides (rows `stride` apart);
  // otherwise its raw decoder reads rows `stride` apart too, refusing a stride shorter than a row.
  const mapped = ((rawMode === 'P' && bits === 8) || rawMode === 'L') && offset + height * stride <= bytes.length;
  if (!mapped && stride < rowBytes) unsupported(`rows of ${stride} bytes for ${rowBytes} bytes of pixels`);
  const needed = (height - 1) * stride + rowBytes;
  if (offset + needed > bytes.length) malformed(`is truncated: its pixels need ${needed} bytes from offset ${offset}, the file has ${Math.max(0, bytes.length - offset)}`);
  return unpack(bytes, offset, stride, width, height, topDown, rawMode, palette);
}

function unpack(bytes: Uint8Array, offset: number, step: number, width: number, height: number, topDown: boolean, mode: RawMode, palette?: Uint8Array): RasterImage {
  const channels = mode === 'ABGR' || mode === 'RGBA' || mode === 'BGRA' ? 4 : BITS_PER_PIXEL[mode] >= 16 ? 3 : 1;
  const out = new Uint8Array(width * height * channels);
  // Byte positions of R, G, B, A inside a 3- or 4-byte pixel.
  const order = { BGR: [2, 1, 0], BGRX: [2, 1, 0], XBGR: [3, 2, 1], ABGR: [3, 2, 1, 0], RGBA: [0, 1, 2, 3], BGRA: [2, 1, 0, 3] } as Record<RawMode, number[]>;
  const size = BITS_PER_PIXEL[mode] / 8;
  for (let r = 0; r < height; r++) {
    const src = offset + r * step;
    let o = (topDown ? r : height - 1 - r) * width * channels;
    for (let x = 0; x < width; x++) {
      if (mode === '1' || mode === 'P;1') {
        const bit = (bytes[src + (x >> 3)]! >> (7 - (x & 7))) & 1;
        out[o++] = mode === '1' ? bit * 255 : bit;
      } else if (mode === 'P;4') out[o++] = (bytes[src + (x >> 1)]! >> (x & 1 ? 0 : 4)) & 15;
      else if (mode === 'P' || mode === 'L') out[o++] = bytes[src + x]!;
      else if (mode === 'BGR;15' || mode === 'BGR;16') {
        const p = bytes[src + 2 * x]! | (bytes[src + 2 * x + 1]! << 8);
        const wide = mode === 'BGR;16';
        out[o++] = Math.floor(((p >> (wide ? 11 : 10)) & 31) * 255 / 31);
        out[o++] = wide ? Math.floor(((p >> 5) & 63) * 255 / 63) : Math.floor(((p >> 5) & 31) * 255 / 31);
        out[o++] = Math.floor((p & 31) * 255 / 31);
      } else {
        const at = src + x * size;
        for (const k of order[mode]!) out[o++] = bytes[at + k]!;
      }
    }
  }
  return finish(width, height, channels, out, palette);
}

function flipRows(data: Uint8Array, width: number, height: number, channels: number): Uint8Array {
  const out = new Uint8Array(data.length);
  const row = width * channels;
  for (let y = 0; y < height; y++) out.set(data.subarray(y * row, (y + 1) * row), (height - 1 - y) * row);
  return out;
}

function finish(width: number, height: number, channels: 1 | 3 | 4, data: Uint8Array, palette?: Uint8Array): RasterImage {
  return palette === undefined ? { width, height, channels, data } : { width, height, channels: 1, data, palette };
}

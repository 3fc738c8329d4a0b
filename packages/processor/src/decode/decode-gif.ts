import type { RasterImage } from '../image/raster-image.js';
import { decodeGifLzw } from './gif-lzw.js';
import { checkDecodeSize, ImageDecodeError, type DecodeOptions } from './image-decode-error.js';

/** True when `bytes` starts like a GIF (`GIF87a` or `GIF89a`). */
export function isGif(bytes: Uint8Array): boolean {
  if (bytes.length < 6) return false;
  const head = String.fromCharCode(...bytes.subarray(0, 6));
  return head === 'GIF87a' || head === 'GIF89a';
}

/** False for a palette that is the identity gray ramp `(i, i, i)`, which Pillow reads as no palette at all. */
function paletteNeeded(palette: Uint8Array): boolean {
  for (let i = 0; i < palette.length; i += 3) {
    const index = i / 3;
    if (palette[i] !== index || palette[i + 1] !== index || palette[i + 2] !== index) return true;
  }
  return false;
}

interface Frame {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
  readonly interlaced: boolean;
  /** The local palette; `null` when it is an identity gray ramp; `undefined` when there is none. */
  readonly palette: Uint8Array | null | undefined;
  readonly bits: number;
  readonly dataStart: number;
}

/**
 * Decodes the first frame of a GIF exactly as Pillow 9.4's `GifImagePlugin` reads it, so that `toRgb` of the
 * result equals `Image.open(p).convert('RGB')`: an index image with the frame's palette (its local one, else the
 * global one; an identity gray palette means plain gray, Pillow's mode `L`), **transparent pixels keep their
 * palette colour** (Pillow ignores transparency when converting to RGB), and pixels outside the frame's rectangle
 * take the transparent index when there is one, else index 0. A frame that extends past the logical screen widens
 * the image, as in Pillow. Later frames are ignored (HF reads the first frame).
 *
 * @throws {@link ImageDecodeError} `DECODE_MALFORMED` (truncated or broken LZW data, no image), `DECODE_EMPTY`,
 *   `DECODE_TOO_LARGE`
 */
export function decodeGif(bytes: Uint8Array, options: DecodeOptions = {}): RasterImage {
  const what = options.what ?? 'the GIF file';
  const malformed = (message: string): never => {
    throw new ImageDecodeError('DECODE_MALFORMED', `${what} ${message}; re-save it as PNG, or check that the file is complete.`);
  };
  if (!isGif(bytes)) malformed('is not a GIF file (no GIF87a/GIF89a signature)');
  if (bytes.length < 13) malformed('is truncated inside its header');
  let pos = 13;
  const u16 = (at: number) => bytes[at]! | (bytes[at + 1]! << 8);
  const byte = (): number | undefined => (pos < bytes.length ? bytes[pos++] : undefined);
  const table = (flags: number): Uint8Array => {
    const size = 3 << ((flags & 7) + 1);
    if (pos + size > bytes.length) malformed('is truncated inside a colour table');
    pos += size;
    return bytes.subarray(pos - size, pos);
  };
  /** One sub-block (Pillow's `data()`): undefined at a terminator or the end of the file. */
  const subBlock = (): Uint8Array | undefined => {
    const size = byte();
    if (!size) return undefined;
    pos += size;
    return bytes.subarray(pos - size, Math.min(pos, bytes.length));
  };
  let width = u16(6);
  let height = u16(8);
  let globalPalette: Uint8Array | undefined;
  if (bytes[10]! & 0x80) {
    const palette = table(bytes[10]!);
    if (paletteNeeded(palette)) globalPalette = palette;
  }
  let transparency: number | undefined;
  let frame: Frame | undefined;
  let s = byte();
  if (s === undefined || s === 0x3b) malformed('has no image');
  while (frame === undefined) {
    s ??= byte();
    if (s === undefined || s === 0x3b) break;
    if (s === 0x21) {
      const label = byte();
      let block = subBlock();
      if (label === 0xf9) {
        if (block === undefined || block.length < 3 || (block[0]! & 1 && block.length < 4)) malformed('has a broken graphic control extension');
        if (block![0]! & 1) transparency = block![3]!;
      } else if (label === 0xfe) {
        while (block !== undefined) block = subBlock();
        s = undefined;
        continue;
      } else if (label === 0xff && block === undefined) malformed('has an empty application extension');
      while (subBlock() !== undefined);
    } else if (s === 0x2c) {
      if (pos + 9 > bytes.length) malformed('is truncated inside an image descriptor');
      const [left, top, w, h, flags] = [u16(pos), u16(pos + 2), u16(pos + 4), u16(pos + 6), bytes[pos + 8]!];
      pos += 9;
      width = Math.max(width, left + w);
      height = Math.max(height, top + h);
      let palette: Uint8Array | null | undefined;
      if (flags & 0x80) {
        const local = table(flags);
        palette = paletteNeeded(local) ? local : null;
      }
      const bits = byte();
      if (bits === undefined) malformed('is truncated before its image data');
      frame = { left, top, width: w, height: h, interlaced: (flags & 0x40) !== 0, palette, bits: bits!, dataStart: pos };
    }
    s = undefined;
  }
  if (frame === undefined) return malformed('has no image');
  checkDecodeSize(width, height, options, what);
  if (frame.width === 0 || frame.height === 0) malformed(`has an empty first frame (${frame.width}×${frame.height})`);
  const out = new Uint8Array(width * height).fill(transparency ?? 0);
  const failure = decodeGifLzw(bytes, frame.dataStart, frame.bits, { out, imageWidth: width, ...frame });
  if (failure !== undefined) {
    malformed(failure === 'truncated' ? 'is truncated: its first frame ends before its last row' : failure === 'config' ? `has an LZW code size of ${frame.bits} (at most 12)` : 'has broken LZW data');
  }
  const palette = frame.palette === undefined ? globalPalette : (frame.palette ?? undefined);
  return palette === undefined ? { width, height, channels: 1, data: out } : { width, height, channels: 1, data: out, palette: palette.slice() };
}

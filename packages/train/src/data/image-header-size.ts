import type { ByteSource } from '@clipseg/core';

/** Most JPEG segments walked looking for the frame header before giving up on the size. */
const MAX_JPEG_SEGMENTS = 1000;

/** An image's stored size, as its header says (before any EXIF orientation, as the runtimes decode by default). */
export interface HeaderSize {
  /** Columns. */
  readonly width: number;
  /** Rows. */
  readonly height: number;
}

async function readAt(source: ByteSource, offset: number, length: number): Promise<Uint8Array | undefined> {
  if (offset < 0 || offset + length > source.size) return undefined;
  const bytes = await source.read(offset, length);
  return bytes.length === length ? bytes : undefined;
}

/**
 * The width and height a PNG, JPEG or GIF file's header states, read through random access without decoding
 * (a few bytes for PNG and GIF; JPEG's segment headers up to the frame header, at most
 * {@link MAX_JPEG_SEGMENTS} of them). `undefined` for other formats and for headers it cannot make sense of: the
 * size is then unknown, not wrong.
 */
export async function readHeaderSize(source: ByteSource): Promise<HeaderSize | undefined> {
  const head = await readAt(source, 0, Math.min(26, source.size));
  if (head === undefined || head.length < 10) return undefined;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (head.length >= 24 && head[0] === 0x89 && head[1] === 0x50 && head[2] === 0x4e && head[3] === 0x47 && String.fromCharCode(...head.subarray(12, 16)) === 'IHDR') {
    return positive(view.getUint32(16), view.getUint32(20));
  }
  if (String.fromCharCode(...head.subarray(0, 4)) === 'GIF8') return positive(view.getUint16(6, true), view.getUint16(8, true));
  if (head[0] === 0xff && head[1] === 0xd8) return jpegSize(source);
  return undefined;
}

function positive(width: number, height: number): HeaderSize | undefined {
  return width > 0 && height > 0 ? { width, height } : undefined;
}

async function jpegSize(source: ByteSource): Promise<HeaderSize | undefined> {
  let offset = 2;
  for (let segment = 0; segment < MAX_JPEG_SEGMENTS; segment++) {
    const marker = await readAt(source, offset, 4);
    if (marker === undefined || marker[0] !== 0xff) return undefined;
    const type = marker[1]!;
    if (type === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    if (type === 0xd8 || (type >= 0xd0 && type <= 0xd7) || type === 0x01) {
      offset += 2; // markers without a length
      continue;
    }
    if (type === 0xda || type === 0xd9) return undefined; // scan data or end before any frame header
    const length = (marker[2]! << 8) | marker[3]!;
    if (length < 2) return undefined;
    // SOF0–SOF15 carry the size, except DHT (C4), JPG (C8) and DAC (CC).
    if (type >= 0xc0 && type <= 0xcf && type !== 0xc4 && type !== 0xc8 && type !== 0xcc) {
      const frame = await readAt(source, offset + 5, 4);
      return frame === undefined ? undefined : positive((frame[2]! << 8) | frame[3]!, (frame[0]! << 8) | frame[1]!);
    }
    offset += 2 + length;
  }
  return undefined;
}

import type { ExifOrientation } from '@clipseg/processor';

/**
 * The EXIF `Orientation` (tag 0x0112) of a JPEG, or 1 when it has none (or is not a JPEG). Reads only the
 * markers before the image data.
 */
export function jpegExifOrientation(bytes: Uint8Array): ExifOrientation {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return 1;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) return 1;
    const marker = bytes[offset + 1]!;
    if (marker === 0xda || marker === 0xd9) return 1; // start of scan / end of image: no EXIF before the data
    const length = view.getUint16(offset + 2);
    const start = offset + 4;
    if (marker === 0xe1 && length >= 16 && start + length - 2 <= bytes.length && view.getUint32(start) === 0x45786966 && view.getUint16(start + 4) === 0) {
      return tiffOrientation(view, start + 6, start + length - 2);
    }
    offset += 2 + length;
  }
  return 1;
}

function tiffOrientation(view: DataView, tiff: number, end: number): ExifOrientation {
  const order = view.getUint16(tiff);
  if (order !== 0x4949 && order !== 0x4d4d) return 1;
  const little = order === 0x4949;
  const u16 = (at: number) => view.getUint16(at, little);
  const u32 = (at: number) => view.getUint32(at, little);
  const ifd = tiff + u32(tiff + 4);
  if (ifd + 2 > end) return 1;
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > end) return 1;
    if (u16(entry) === 0x0112) {
      const value = u16(entry + 8);
      return value >= 1 && value <= 8 ? (value as ExifOrientation) : 1;
    }
  }
  return 1;
}

/** The orientation that undoes `orientation` (rotations by 90° are each other's inverse; the rest undo themselves). */
export function inverseOrientation(orientation: ExifOrientation): ExifOrientation {
  return orientation === 6 ? 8 : orientation === 8 ? 6 : orientation;
}

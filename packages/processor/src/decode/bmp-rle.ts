import { ImageDecodeError } from './image-decode-error.js';

/**
 * Expands `BI_RLE8` / `BI_RLE4` pixel data into one index byte per pixel, rows in file order, exactly as Pillow
 * 9.4's `BmpRleDecoder` does, quirks included: a run is clipped at the end of its row; an end-of-line escape pads
 * the row with index 0; a delta escape (`00 02 dx dy`) skips its two bytes and takes the *next* two as the offsets;
 * an absolute RLE4 run of `n` pixels reads `floor(n / 2)` bytes; absolute runs end on an even file offset.
 *
 * @param offset - where the pixel data starts in `bytes` (the whole file: word alignment is by file offset)
 * @throws {@link ImageDecodeError} `DECODE_MALFORMED` when the data ends before every pixel has a value (Pillow's
 *   "not enough image data")
 * @internal
 */
export function decodeBmpRle(bytes: Uint8Array, offset: number, width: number, height: number, rle4: boolean, what: string): Uint8Array {
  const total = width * height;
  const data = new Uint8Array(total);
  let length = 0; // pixels produced so far; may pass `total` (the surplus is dropped)
  let x = 0;
  let pos = offset;
  const push = (value: number) => {
    if (length < total) data[length] = value;
    length++;
  };
  const malformed = (message: string): never => {
    throw new ImageDecodeError('DECODE_MALFORMED', `${what} ${message}; re-save it as PNG, or check that the file is complete.`, { details: { offset: pos } });
  };
  while (length < total) {
    if (pos + 2 > bytes.length) break;
    let count = bytes[pos]!;
    const byte = bytes[pos + 1]!;
    pos += 2;
    if (count !== 0) {
      if (x + count > width) count = Math.max(0, width - x);
      for (let i = 0; i < count; i++) push(rle4 ? (i % 2 === 0 ? byte >> 4 : byte & 15) : byte);
      x += count;
    } else if (byte === 0) {
      length += (width - (length % width)) % width; // the pixels skipped stay 0
      x = 0;
    } else if (byte === 1) {
      break;
    } else if (byte === 2) {
      if (pos + 2 > bytes.length) break;
      pos += 2; // Pillow 9.4 reads the delta bytes, then two more as (right, up)
      if (pos + 2 > bytes.length) malformed('ends inside an RLE delta escape');
      length += bytes[pos]! + bytes[pos + 1]! * width;
      pos += 2;
      x = length % width;
    } else {
      const wanted = rle4 ? byte >> 1 : byte;
      const got = Math.min(wanted, bytes.length - pos);
      for (let i = 0; i < got; i++) {
        const b = bytes[pos + i]!;
        if (rle4) {
          push(b >> 4);
          push(b & 15);
        } else push(b);
      }
      pos += got;
      if (got < wanted) break;
      x += byte;
      if (pos % 2 !== 0) pos++;
    }
  }
  if (length < total) malformed(`has RLE data for ${length} of its ${total} pixels (Pillow: "not enough image data")`);
  return data;
}

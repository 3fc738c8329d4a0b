/** Where the LZW data of a GIF frame goes: a rectangle of an index image `imageWidth` wide. @internal */
export interface GifFrameTarget {
  readonly out: Uint8Array;
  readonly imageWidth: number;
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
  readonly interlaced: boolean;
}

/** Why {@link decodeGifLzw} stopped before the frame was complete. @internal */
export type GifLzwFailure = 'truncated' | 'broken' | 'config';

/**
 * Decodes the LZW sub-blocks that start at `pos` into `target`, as Pillow 9.4's `GifDecode.c` does: codes grow to
 * 12 bits, a full table stops growing (no implicit clear), `code == next` is the KwKwK case, interlaced rows go in
 * the four passes, and decoding stops as soon as the last row is written. Zero-length sub-blocks do not end the
 * data (Pillow reads on), so a frame is complete only when its rows are; else the failure says why.
 *
 * @returns `undefined` when the frame is complete
 * @internal
 */
export function decodeGifLzw(bytes: Uint8Array, start: number, bits: number, target: GifFrameTarget): GifLzwFailure | undefined {
  if (bits < 0 || bits > 12) return 'config';
  const { out, imageWidth, left, top, width, height } = target;
  const clear = 1 << bits;
  const end = clear + 1;
  const prefix = new Int32Array(4096);
  const suffix = new Uint8Array(4096);
  const stack = new Uint8Array(4097);
  let pos = start;
  let blocksize = 0;
  let bitbuffer = 0;
  let bitcount = 0;
  let state = 1;
  let next = 0;
  let codesize = 0;
  let codemask = 0;
  let lastcode = 0;
  let lastdata = 0;
  let interlace = target.interlaced ? 1 : 0;
  let step = target.interlaced ? 8 : 1;
  let x = 0;
  let y = 0;
  /** Writes one pixel; true when that completed the frame. */
  const emit = (value: number): boolean => {
    out[(top + y) * imageWidth + left + x] = value;
    if (++x < width) return false;
    x = 0;
    y += step;
    while (y >= height) {
      if (interlace === 1) [y, interlace] = [4, 2];
      else if (interlace === 2) [step, y, interlace] = [4, 2, 3];
      else if (interlace === 3) [step, y, interlace] = [2, 1, 0];
      else return true;
    }
    return false;
  };
  for (;;) {
    if (state === 1) {
      next = clear + 2;
      codesize = bits + 1;
      codemask = (1 << codesize) - 1;
      state = 2;
    }
    while (bitcount < codesize) {
      if (blocksize > 0) {
        bitbuffer |= bytes[pos++]! << bitcount;
        bitcount += 8;
        blocksize--;
      } else {
        if (pos >= bytes.length || pos + 1 + bytes[pos]! > bytes.length) return 'truncated';
        blocksize = bytes[pos++]!;
      }
    }
    let c = bitbuffer & codemask;
    bitbuffer >>>= codesize;
    bitcount -= codesize;
    if (c === clear) {
      if (state !== 2) state = 1;
      continue;
    }
    if (c === end) return 'truncated'; // Pillow waits for more data after an early end code, then finds none
    if (state === 2) {
      if (c > clear) return 'broken';
      lastdata = c & 255;
      lastcode = c;
      state = 3;
      if (emit(lastdata)) return undefined;
      continue;
    }
    const thiscode = c;
    if (c > next) return 'broken';
    let sp = 0;
    if (c === next) {
      stack[sp++] = lastdata;
      c = lastcode;
    }
    while (c >= clear) {
      if (sp >= 4096 || c >= 4096) return 'broken';
      stack[sp++] = suffix[c]!;
      c = prefix[c]!;
    }
    lastdata = c & 255;
    if (next < 4096) {
      suffix[next] = lastdata;
      prefix[next] = lastcode;
      if (next === codemask && codesize < 12) {
        codesize++;
        codemask = (1 << codesize) - 1;
      }
      next++;
    }
    lastcode = thiscode;
    if (emit(lastdata)) return undefined;
    while (sp > 0) if (emit(stack[--sp]!)) return undefined;
  }
}

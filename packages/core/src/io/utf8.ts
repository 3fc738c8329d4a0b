/**
 * UTF-8, once for all of core and for `@clipseg/convert` (through `@clipseg/core/utf8`).
 *
 * Strict decoding and encoding use the `TextDecoder` / `TextEncoder` globals,
 * which every supported runtime provides (Node >= 20, browsers, workers); the
 * DOM-free packages see them through `types/web-globals.d.ts`, not through DOM
 * or Node typings. The tokenizer's codecs ({@link pushUtf8},
 * {@link decodeUtf8}) are written out and tested byte for byte against
 * `TextEncoder` / `TextDecoder`.
 *
 * @module
 */

let strictDecoder: InstanceType<typeof TextDecoder> | undefined;
let encoder: InstanceType<typeof TextEncoder> | undefined;

/**
 * Decodes UTF-8, throwing a `TypeError` on any malformed sequence (no
 * replacement characters). A leading byte-order mark is kept as U+FEFF rather
 * than silently stripped, so callers see the bytes exactly.
 *
 * @param bytes - UTF-8 encoded text
 */
export function decodeUtf8Strict(bytes: Uint8Array): string {
  strictDecoder ??= new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  return strictDecoder.decode(bytes);
}

/**
 * Like {@link decodeUtf8Strict}, but returns `undefined` when the bytes are
 * not valid UTF-8.
 *
 * @param bytes - UTF-8 encoded text
 */
export function tryDecodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return decodeUtf8Strict(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Decodes UTF-8 when valid, else maps each byte to the code point of the same
 * value (Latin-1), so that a name is always printable (zip entry names).
 *
 * @param bytes - text of unknown encoding
 */
export function decodeUtf8OrLatin1(bytes: Uint8Array): string {
  const text = tryDecodeUtf8(bytes);
  if (text !== undefined) return text;
  let out = '';
  for (const b of bytes) out += String.fromCharCode(b);
  return out;
}

/**
 * Encodes a string as UTF-8. Lone surrogates become U+FFFD, as in
 * `TextEncoder`; use {@link isWellFormedUtf16} first when that matters.
 *
 * @param text - the string to encode
 */
export function encodeUtf8(text: string): Uint8Array {
  encoder ??= new TextEncoder();
  return encoder.encode(text);
}

const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * True when `text` has no lone surrogate, i.e. it survives a UTF-8 round trip
 * unchanged (the ES2024 `String.prototype.isWellFormed`).
 *
 * @param text - the string to check
 */
export function isWellFormedUtf16(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/**
 * Appends the UTF-8 bytes of `text` to `out`. Lone surrogates become U+FFFD
 * (EF BF BD), as `TextEncoder` does. Written out (not `TextEncoder`) so that
 * the tokenizer appends to one byte array without a `Uint8Array` per piece.
 *
 * @param text - the string to encode
 * @param out - receives the bytes
 */
export function pushUtf8(text: string, out: number[]): void {
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      out.push(c);
      continue;
    }
    if (c < 0x800) {
      out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
        out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
        continue;
      }
      c = 0xfffd;
    }
    out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
}

/**
 * Decodes UTF-8 with the WHATWG "replacement" error mode (each maximal
 * invalid subpart becomes one U+FFFD), which is also what Python's
 * `bytes.decode('utf-8', errors='replace')` does; a leading byte-order mark is
 * kept as U+FEFF. Written out (not `TextDecoder`) because the tokenizer
 * collects byte values in plain arrays.
 *
 * @param bytes - UTF-8 encoded text, as bytes or byte values
 */
export function decodeUtf8(bytes: ArrayLike<number>): string {
  const units: number[] = [];
  let text = '';
  let needed = 0;
  let seen = 0;
  let cp = 0;
  let lower = 0x80;
  let upper = 0xbf;
  const emit = (c: number): void => {
    if (c > 0xffff) {
      c -= 0x10000;
      units.push(0xd800 + (c >> 10), 0xdc00 + (c & 0x3ff));
    } else {
      units.push(c);
    }
    if (units.length >= 8192) {
      text += String.fromCharCode(...units);
      units.length = 0;
    }
  };
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (needed === 0) {
      if (byte <= 0x7f) emit(byte);
      else if (byte >= 0xc2 && byte <= 0xdf) {
        needed = 1;
        cp = byte & 0x1f;
      } else if (byte >= 0xe0 && byte <= 0xef) {
        if (byte === 0xe0) lower = 0xa0;
        if (byte === 0xed) upper = 0x9f;
        needed = 2;
        cp = byte & 0x0f;
      } else if (byte >= 0xf0 && byte <= 0xf4) {
        if (byte === 0xf0) lower = 0x90;
        if (byte === 0xf4) upper = 0x8f;
        needed = 3;
        cp = byte & 0x07;
      } else emit(0xfffd);
      continue;
    }
    if (byte < lower || byte > upper) {
      needed = seen = cp = 0;
      lower = 0x80;
      upper = 0xbf;
      emit(0xfffd);
      i--; // reprocess this byte as the start of a new sequence
      continue;
    }
    lower = 0x80;
    upper = 0xbf;
    cp = (cp << 6) | (byte & 0x3f);
    if (++seen === needed) {
      emit(cp);
      needed = seen = cp = 0;
    }
  }
  if (needed !== 0) emit(0xfffd);
  return text + String.fromCharCode(...units);
}

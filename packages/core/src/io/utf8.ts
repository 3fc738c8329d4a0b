/**
 * UTF-8 helpers over the `TextEncoder` / `TextDecoder` globals that every
 * supported runtime (Node ≥ 20, browsers, workers, Deno, Bun) provides. They
 * are looked up on `globalThis` so that core compiles with `lib: ES2023` and
 * no DOM or Node typings.
 */

interface TextDecoderLike {
  decode(input: Uint8Array): string;
}
interface TextEncoderLike {
  encode(input: string): Uint8Array;
}
interface TextCodecGlobals {
  TextDecoder?: new (label: string, options: { fatal: boolean; ignoreBOM: boolean }) => TextDecoderLike;
  TextEncoder?: new () => TextEncoderLike;
}

let strictDecoder: TextDecoderLike | undefined;
let encoder: TextEncoderLike | undefined;

function codecs(): Required<TextCodecGlobals> {
  const g = globalThis as unknown as TextCodecGlobals;
  if (g.TextDecoder === undefined || g.TextEncoder === undefined) {
    throw new Error('This runtime has no TextEncoder/TextDecoder; @clipseg/core needs them (Node >= 20 or any modern browser).');
  }
  return { TextDecoder: g.TextDecoder, TextEncoder: g.TextEncoder };
}

/**
 * Decodes UTF-8, throwing a `TypeError` on any malformed sequence (no
 * replacement characters). A leading byte-order mark is kept as U+FEFF rather
 * than silently stripped, so callers see the bytes exactly.
 *
 * @param bytes - UTF-8 encoded text
 */
export function decodeUtf8Strict(bytes: Uint8Array): string {
  strictDecoder ??= new (codecs().TextDecoder)('utf-8', { fatal: true, ignoreBOM: true });
  return strictDecoder.decode(bytes);
}

/**
 * Encodes a string as UTF-8. Lone surrogates become U+FFFD, as in
 * `TextEncoder`; use {@link isWellFormedUtf16} first when that matters.
 *
 * @param text - the string to encode
 */
export function encodeUtf8(text: string): Uint8Array {
  encoder ??= new (codecs().TextEncoder)();
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

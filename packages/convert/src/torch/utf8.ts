interface TextDecoderLike {
  decode(input: Uint8Array): string;
}
type TextDecoderConstructor = new (label: string, options: { fatal: boolean; ignoreBOM: boolean }) => TextDecoderLike;

let strict: TextDecoderLike | undefined;

/**
 * Decodes UTF-8 strictly (no replacement characters, BOM kept), or returns
 * `undefined` when the bytes are not valid UTF-8. Uses the `TextDecoder`
 * global that Node ≥ 20 and every browser provide.
 *
 * @param bytes - UTF-8 text
 */
export function tryDecodeUtf8(bytes: Uint8Array): string | undefined {
  if (strict === undefined) {
    const Decoder = (globalThis as { TextDecoder?: TextDecoderConstructor }).TextDecoder;
    if (Decoder === undefined) throw new Error('This runtime has no TextDecoder; the torch checkpoint reader needs it (Node >= 20 or any modern browser).');
    strict = new Decoder('utf-8', { fatal: true, ignoreBOM: true });
  }
  try {
    return strict.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Decodes UTF-8 when valid, else maps each byte to the code point of the same
 * value (Latin-1), so that a name is always printable.
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

interface TextEncoderLike {
  encode(input: string): Uint8Array;
}

let encoder: TextEncoderLike | undefined;

/**
 * Encodes a string as UTF-8 with the `TextEncoder` global.
 *
 * @param text - the string
 */
export function encodeUtf8(text: string): Uint8Array {
  if (encoder === undefined) {
    const Encoder = (globalThis as { TextEncoder?: new () => TextEncoderLike }).TextEncoder;
    if (Encoder === undefined) throw new Error('This runtime has no TextEncoder (Node >= 20 or any modern browser is needed).');
    encoder = new Encoder();
  }
  return encoder.encode(text);
}

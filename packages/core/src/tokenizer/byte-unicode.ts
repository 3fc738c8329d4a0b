/**
 * GPT-2's reversible byte ↔ unicode map (`bytes_to_unicode` in OpenAI CLIP's
 * `simple_tokenizer.py`): printable Latin-1 bytes map to themselves, the other
 * 68 bytes to U+0100 … U+0143, so every byte string is a string of "visible"
 * characters that BPE can work on.
 *
 * @module
 */

function build(): { order: number[]; chars: string[] } {
  const order: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) order.push(b);
  for (let b = 0xa1; b <= 0xac; b++) order.push(b);
  for (let b = 0xae; b <= 0xff; b++) order.push(b);
  const chars: string[] = new Array<string>(256);
  for (const b of order) chars[b] = String.fromCharCode(b);
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (chars[b] === undefined) {
      chars[b] = String.fromCharCode(256 + n);
      order.push(b);
      n++;
    }
  }
  return { order, chars };
}

const built = build();

/** `BYTE_TO_UNICODE[b]` is the one-character string standing for byte `b`. */
export const BYTE_TO_UNICODE: readonly string[] = built.chars;

/**
 * The bytes in the order of Python's `bytes_to_unicode().values()`: the 188
 * printable bytes ascending, then the other 68 ascending. OpenAI's vocabulary
 * (and so every CLIP `vocab.json`) numbers its first 256 tokens in this order.
 */
export const BYTE_ORDER: readonly number[] = built.order;

/** Inverse of {@link BYTE_TO_UNICODE}: UTF-16 code unit of the character → byte, or -1. */
export const UNICODE_TO_BYTE: Int16Array = (() => {
  const table = new Int16Array(0x144).fill(-1);
  built.chars.forEach((ch, b) => {
    table[ch.charCodeAt(0)] = b;
  });
  return table;
})();

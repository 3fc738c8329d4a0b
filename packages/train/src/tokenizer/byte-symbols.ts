/**
 * CLIP's (GPT-2's) byte → unicode map, `bytes_to_unicode` of OpenAI's `simple_tokenizer.py`: the 188 printable
 * Latin-1 bytes stand for themselves, the other 68 bytes for U+0100 … U+0143 in byte order. A CLIP `vocab.json`
 * numbers its first 256 tokens in {@link clipByteOrder}'s order and the next 256 (the same symbols with `</w>`)
 * likewise. (`@clipseg/core` keeps its own copy privately; its tokenizer rejects a vocabulary that disagrees.)
 *
 * @module
 */

/** The bytes in CLIP's vocabulary order: printable bytes ascending, then the others ascending. */
export function clipByteOrder(): number[] {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const seen = new Set(printable);
  const rest: number[] = [];
  for (let b = 0; b < 256; b++) if (!seen.has(b)) rest.push(b);
  return [...printable, ...rest];
}

/** `byteSymbols()[b]` is the one-character string standing for byte `b`. */
export function byteSymbols(): string[] {
  const order = clipByteOrder();
  const symbols = new Array<string>(256);
  order.forEach((b, i) => {
    symbols[b] = i < 188 ? String.fromCharCode(b) : String.fromCharCode(256 + i - 188);
  });
  return symbols;
}

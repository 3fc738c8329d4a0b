/**
 * CLIP's (GPT-2's) byte → unicode map as the BPE learner uses it: `@clipseg/core`'s `BYTE_ORDER` and
 * `BYTE_TO_UNICODE` (`bytes_to_unicode` of OpenAI's `simple_tokenizer.py`), the one table the tokenizer loads
 * vocabularies with. A CLIP `vocab.json` numbers its first 256 tokens in {@link clipByteOrder}'s order and the next
 * 256 (the same symbols with `</w>`) likewise.
 *
 * @module
 */
import { BYTE_ORDER, BYTE_TO_UNICODE } from '@clipseg/core';

/** The bytes in CLIP's vocabulary order: printable bytes ascending, then the others ascending. */
export function clipByteOrder(): number[] {
  return [...BYTE_ORDER];
}

/** `byteSymbols()[b]` is the one-character string standing for byte `b`. */
export function byteSymbols(): string[] {
  return [...BYTE_TO_UNICODE];
}

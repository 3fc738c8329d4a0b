import { encodeUtf8 } from '@clipseg/core/utf8';

/** Bytes → printable characters, as CLIP's (and GPT-2's) byte-level BPE maps them. */
function byteSymbols(): string[] {
  const printable: number[] = [];
  for (let b = 33; b <= 126; b++) printable.push(b);
  for (let b = 161; b <= 172; b++) printable.push(b);
  for (let b = 174; b <= 255; b++) printable.push(b);
  const symbols: string[] = [];
  const seen = new Set(printable);
  let extra = 0;
  for (let b = 0; b < 256; b++) symbols[b] = seen.has(b) ? String.fromCharCode(b) : String.fromCharCode(256 + extra++);
  // CLIP's vocab lists the printable bytes first, then the remapped ones.
  return [...printable.map((b) => symbols[b]!), ...symbols.filter((_, b) => !seen.has(b))];
}

// A few frequent English letter pairs, so the synthetic vocabulary exercises real BPE merges.
const MERGES: readonly (readonly [string, string])[] = [
  ['t', 'h'], ['i', 'n'], ['a', 'n'], ['e', 'r'], ['o', 'n'], ['r', 'e'],
  ['th', 'e</w>'], ['a', 't</w>'], ['c', 'at</w>'], ['o', 'f</w>'], ['in', 'n</w>'],
];

/**
 * Tokenizer files for a random checkpoint made offline: a byte-level CLIP
 * vocabulary (every byte is a token, `</w>` marks word ends) with a handful of
 * merges, and the two specials at `vocabSize − 2` and `vocabSize − 1`
 * (49406 / 49407 for CLIP's 49408). Random models work end to end with it;
 * use a real checkpoint's files for real text.
 */
export function syntheticTokenizerFiles(vocabSize = 49408, modelMaxLength = 77): Record<string, Uint8Array> {
  const symbols = byteSymbols();
  const vocab: Record<string, number> = {};
  symbols.forEach((s, i) => (vocab[s] = i));
  symbols.forEach((s, i) => (vocab[`${s}</w>`] = 256 + i));
  for (const [a, b] of MERGES) vocab[a + b] ??= Object.keys(vocab).length;
  vocab['<|startoftext|>'] = vocabSize - 2;
  vocab['<|endoftext|>'] = vocabSize - 1;
  const json = (value: unknown) => encodeUtf8(`${JSON.stringify(value, null, 2)}\n`);
  return {
    'vocab.json': encodeUtf8(JSON.stringify(vocab)),
    'merges.txt': encodeUtf8(`#version: 0.2\n${MERGES.map(([a, b]) => `${a} ${b}`).join('\n')}\n`),
    'tokenizer_config.json': json({
      model_max_length: modelMaxLength,
      bos_token: '<|startoftext|>',
      eos_token: '<|endoftext|>',
      pad_token: '<|endoftext|>',
      unk_token: '<|endoftext|>',
      tokenizer_class: 'CLIPTokenizer',
      clean_up_tokenization_spaces: false,
    }),
    'special_tokens_map.json': json({ bos_token: '<|startoftext|>', eos_token: '<|endoftext|>', pad_token: '<|endoftext|>', unk_token: '<|endoftext|>' }),
  };
}

/**
 * The project's own CLIP tokenizer: a byte-level BPE learned from a corpus (the synthetic prompt grammar), written in
 * CLIP's file format (issue 17).
 *
 * @module
 */
export { BASE_VOCAB_SIZE, BOS_TOKEN, END_OF_WORD, EOS_TOKEN, clipWordSymbols, encodeWithMerges, learnBpe, mergePair } from './learn-bpe.js';
export type { LearnBpeOptions, LearnedBpe } from './learn-bpe.js';
export { byteSymbols, clipByteOrder } from './byte-symbols.js';
export { learnedTokenizerFiles } from './tokenizer-files.js';
export type { LearnedTokenizerFilesOptions } from './tokenizer-files.js';

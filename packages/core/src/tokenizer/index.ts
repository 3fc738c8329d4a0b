/**
 * CLIP's byte-level BPE tokenizer.
 *
 * @module
 */
export { CLIPTokenizer } from './clip-tokenizer.js';
export type { CLIPTokenizerOptions, CallOptions, DecodeOptions, EncodeOptions } from './clip-tokenizer.js';
export { batchEncodingToTensors } from './batch-encoding.js';
export type { BatchEncoding, BatchEncodingTensors } from './batch-encoding.js';
export type { TextCleanup } from './text-cleanup.js';
export { TokenizerError } from './tokenizer-error.js';
export type { TokenizerErrorCode } from './tokenizer-error.js';
export { unescapeHtml } from './html-unescape.js';

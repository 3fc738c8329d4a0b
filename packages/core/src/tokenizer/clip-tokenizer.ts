import type { BatchEncoding } from './batch-encoding.js';
import { describeValue } from '../describe-value.js';
import { BytePairEncoder } from './bpe.js';
import { UNICODE_TO_BYTE } from './byte-unicode.js';
import { gunzip, isGzip } from './gunzip.js';
import { LruCache } from './lru-cache.js';
import { literalAlternation, normalizeFast, openAIWordPattern, pythonStrip, splitWordsFast, splitWordsOpenAI } from './text-cleanup.js';
import type { TextCleanup } from './text-cleanup.js';
import { TokenizerError } from './tokenizer-error.js';
import { openAIPieces, textPieces } from './text-pieces.js';
import type { AddedToken, TokenizerFiles } from './tokenizer-files.js';
import { parseMergesText, parseOpenAIBpeText, parseTokenizerJson, parseVocab } from './tokenizer-files.js';
import { decodeUtf8, pushUtf8 } from '../io/utf8.js';

/** Options shared by every {@link CLIPTokenizer} factory. */
export interface CLIPTokenizerOptions {
  /** Longest sequence, special tokens included, that truncation keeps. Default 77. */
  modelMaxLength?: number;
  /** Id used for padding. Default: the end-of-text id (49407), as HuggingFace pads CLIP. */
  padTokenId?: number;
  /** Text clean-up: `'fast'` (default, HuggingFace fast tokenizer) or `'openai'` (see README). */
  cleanup?: TextCleanup;
  /** Words whose BPE result is cached (least recently used are evicted). Default 10 000; 0 disables. */
  cacheSize?: number;
  /** Begin-of-text token. Default: the file's, else `<|startoftext|>`. */
  bosToken?: string;
  /** End-of-text token. Default: the file's, else `<|endoftext|>`. */
  eosToken?: string;
}

/** Options of {@link CLIPTokenizer.encode}. */
export interface EncodeOptions {
  /** Wrap the ids in begin / end-of-text. Default true. */
  addSpecialTokens?: boolean;
  /** Cut to `maxLength`, keeping the end-of-text id last. Default false. */
  truncation?: boolean;
  /** Length truncation cuts to. Default {@link CLIPTokenizer.modelMaxLength}. */
  maxLength?: number;
}

/** Options of {@link CLIPTokenizer.call}. */
export interface CallOptions extends Omit<EncodeOptions, 'truncation'> {
  /** `'longest'` (or `true`): pad to the longest row; `'max_length'`: pad to `maxLength`; `false` (default): no padding. */
  padding?: 'longest' | 'max_length' | boolean;
  /** Cut rows to `maxLength`, keeping the end-of-text id last. Default true (CLIP's text model takes at most 77 positions). */
  truncation?: boolean;
}

/** Options of {@link CLIPTokenizer.decode}. */
export interface DecodeOptions {
  /** Leave out begin / end-of-text and other added tokens. Default false. */
  skipSpecialTokens?: boolean;
}

const DEFAULT_BOS = '<|startoftext|>';
const DEFAULT_EOS = '<|endoftext|>';
const END_OF_WORD_RUN = /<\/w>/g;
const HAS_WHITE_SPACE = /\p{White_Space}/u;

function invalidOption(message: string): TokenizerError {
  return new TokenizerError('TOKENIZER_INVALID_OPTION', message);
}

function checkInteger(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw invalidOption(`${name} must be an integer ≥ ${min}, got ${describeValue(value)}.`);
  }
  return value;
}

/**
 * CLIP's byte-level BPE tokenizer, matching the HuggingFace fast tokenizer
 * (and transformers.js) id for id by default.
 *
 * Pipeline (`cleanup: 'fast'`): special tokens split out; NFC; white-space
 * runs → one space; lower-case; CLIP's word regex; byte → unicode; BPE with
 * `</w>` on each word's last symbol; `<|startoftext|>` … `<|endoftext|>` around.
 */
export class CLIPTokenizer {
  /** Begin-of-text id (49406 for CLIP). */
  readonly bosTokenId: number;
  /** End-of-text id (49407 for CLIP). */
  readonly eosTokenId: number;
  /** Padding id (default: {@link CLIPTokenizer.eosTokenId}). */
  readonly padTokenId: number;
  /** Longest sequence truncation keeps (default 77). */
  readonly modelMaxLength: number;
  /** One more than the largest id (49408 for CLIP). */
  readonly vocabSize: number;
  /** The text clean-up in use. */
  readonly cleanup: TextCleanup;

  readonly #bpe: BytePairEncoder;
  readonly #cache: LruCache<string, number[]>;
  readonly #addedIds = new Map<string, number>();
  readonly #specialIds = new Map<string, number>();
  readonly #specialContent = new Map<number, string>();
  readonly #rawSpecials: RegExp | undefined;
  readonly #normalizedSpecials: RegExp | undefined;
  readonly #openAIWords: RegExp | undefined;
  /** Texts may be read piece by piece (no added token contains white space; see `textPieces`). */
  readonly #piecewise: boolean;

  private constructor(files: TokenizerFiles, options: CLIPTokenizerOptions = {}) {
    if (typeof options !== 'object' || options === null) throw invalidOption('options must be an object.');
    const cleanup = options.cleanup ?? 'fast';
    if (cleanup !== 'fast' && cleanup !== 'openai') throw invalidOption(`cleanup must be 'fast' or 'openai', got ${describeValue(cleanup)}.`);
    this.cleanup = cleanup;
    this.modelMaxLength = checkInteger('modelMaxLength', options.modelMaxLength ?? 77, 2);
    this.#cache = new LruCache(checkInteger('cacheSize', options.cacheSize ?? 10_000, 0));
    this.#bpe = new BytePairEncoder(files.vocab, files.merges);

    const added: AddedToken[] = [...files.addedTokens];
    const resolve = (role: string, token: string): number => {
      const id = added.find((t) => t.content === token)?.id ?? files.vocab.get(token);
      if (id === undefined) {
        throw new TokenizerError(
          'TOKENIZER_MISSING_SPECIAL_TOKEN',
          `The ${role} token ${JSON.stringify(token)} is in neither the vocabulary nor added_tokens. Use the tokenizer files of a CLIP checkpoint, or name the token with the ${role === 'begin-of-text' ? 'bosToken' : 'eosToken'} option.`,
          { details: { token } },
        );
      }
      if (!added.some((t) => t.content === token)) added.push({ content: token, id, normalized: false });
      return id;
    };
    this.bosTokenId = resolve('begin-of-text', options.bosToken ?? files.bosToken ?? DEFAULT_BOS);
    this.eosTokenId = resolve('end-of-text', options.eosToken ?? files.eosToken ?? DEFAULT_EOS);
    this.padTokenId = checkInteger('padTokenId', options.padTokenId ?? this.eosTokenId, 0);

    let maxId = this.#bpe.idToToken.length - 1;
    for (const token of added) {
      this.#addedIds.set(token.content, token.id);
      this.#specialIds.set(token.content, token.id);
      this.#specialContent.set(token.id, token.content);
      maxId = Math.max(maxId, token.id);
    }
    this.vocabSize = maxId + 1;
    this.#rawSpecials = literalAlternation(added.filter((t) => !t.normalized).map((t) => t.content));
    this.#normalizedSpecials = literalAlternation(added.filter((t) => t.normalized).map((t) => normalizeFast(t.content)));
    for (const token of added) if (token.normalized) this.#specialIds.set(normalizeFast(token.content), token.id);
    this.#openAIWords = cleanup === 'openai' ? openAIWordPattern(added.map((t) => t.content)) : undefined;
    this.#piecewise = !added.some((t) => HAS_WHITE_SPACE.test(t.content) || HAS_WHITE_SPACE.test(normalizeFast(t.content)));
  }

  /**
   * Loads HuggingFace's `vocab.json` + `merges.txt`.
   *
   * @param vocab - `vocab.json` text or its parsed object
   * @param merges - `merges.txt` text (a first `#version` line is skipped)
   * @throws {@link TokenizerError} for malformed files or options
   */
  static fromVocabAndMerges(vocab: string | Record<string, number>, merges: string, options?: CLIPTokenizerOptions): CLIPTokenizer {
    return new CLIPTokenizer({ vocab: parseVocab(vocab), merges: parseMergesText(merges), addedTokens: [] }, options);
  }

  /**
   * Loads a HuggingFace `tokenizer.json` (merges as `"a b"` strings or `[a, b]`
   * pairs; `added_tokens` honoured, including their `normalized` flag).
   *
   * @param json - the file's text or its parsed object
   * @throws {@link TokenizerError} for malformed files or options
   */
  static fromTokenizerJson(json: string | object, options?: CLIPTokenizerOptions): CLIPTokenizer {
    return new CLIPTokenizer(parseTokenizerJson(json), options);
  }

  /**
   * Loads OpenAI's `bpe_simple_vocab_16e6.txt.gz`: gzip bytes (decompressed
   * with the global `DecompressionStream`), plain bytes, or the decompressed text.
   *
   * @throws {@link TokenizerError} for a corrupt file, a runtime without `DecompressionStream`, or bad options
   */
  static async fromOpenAIBpe(data: Uint8Array | string, options?: CLIPTokenizerOptions): Promise<CLIPTokenizer> {
    let text: string;
    if (typeof data === 'string') text = data;
    else if (data instanceof Uint8Array) text = decodeUtf8(isGzip(data) ? await gunzip(data) : data);
    else throw new TokenizerError('TOKENIZER_INVALID_BPE_FILE', `Pass the BPE file as a Uint8Array (gzip or plain) or a string, got ${typeof data}.`);
    return new CLIPTokenizer(parseOpenAIBpeText(text), options);
  }

  /**
   * Token ids of `text`: `[bos, …, eos]` unless `addSpecialTokens` is false.
   * Not truncated unless `truncation` is set.
   *
   * With `truncation`, only as much of the text is read as its kept tokens need (piece by piece, cut after white
   * space; the ids are exactly those of tokenizing the whole text and truncating), so a text of any length costs
   * about the same. Without it, the work and the ids grow with the text.
   *
   * @throws {@link TokenizerError} `TOKENIZER_INVALID_INPUT` when `text` is not a string,
   *   `TOKENIZER_INPUT_TOO_LONG` when the part of the text that must be read has more than `MAX_UNBROKEN_TEXT`
   *   (262 144) characters in a row without white space
   */
  encode(text: string, options: EncodeOptions = {}): number[] {
    if (typeof text !== 'string') {
      throw new TokenizerError('TOKENIZER_INVALID_INPUT', `encode() takes a string, got ${text === null ? 'null' : typeof text}.`);
    }
    const addSpecialTokens = options.addSpecialTokens ?? true;
    const truncation = options.truncation === true;
    const maxLength = truncation ? checkInteger('maxLength', options.maxLength ?? this.modelMaxLength, addSpecialTokens ? 2 : 1) : 0;
    const ids: number[] = addSpecialTokens ? [this.bosTokenId] : [];
    // Enough ids to decide the truncated result: the first maxLength - 1 (then end-of-text), or maxLength.
    this.#encodeInto(text, ids, truncation ? (addSpecialTokens ? maxLength - 1 : maxLength) : Number.POSITIVE_INFINITY);
    if (addSpecialTokens) ids.push(this.eosTokenId);
    if (truncation) {
      if (ids.length > maxLength) {
        ids.length = addSpecialTokens ? maxLength - 1 : maxLength;
        if (addSpecialTokens) ids.push(this.eosTokenId);
      }
    }
    return ids;
  }

  /** BPE token strings of `text` (byte-mapped, `</w>` ending each word), no begin / end-of-text. */
  tokenize(text: string): string[] {
    return this.encode(text, { addSpecialTokens: false }).map((id) => this.idToToken(id)!);
  }

  /**
   * Id of one token string, with no clean-up or BPE (HF `convert_tokens_to_ids`):
   * a vocabulary entry such as `cat</w>` or `!`, or an added token such as
   * `<|endoftext|>`; `undefined` when there is none.
   */
  tokenToId(token: string): number | undefined {
    return this.#addedIds.get(token) ?? this.#bpe.tokenToId.get(token);
  }

  /** Token string of one id (HF `convert_ids_to_tokens`), or `undefined` when the id is unused. */
  idToToken(id: number): string | undefined {
    return this.#specialContent.get(id) ?? this.#bpe.idToToken[id];
  }

  /**
   * Text of `ids`, as HuggingFace decodes CLIP: bytes back to UTF-8 (invalid
   * sequences become U+FFFD), every `</w>` a space, white space stripped at both ends.
   *
   * @throws {@link TokenizerError} `TOKENIZER_INVALID_INPUT` for a non-array or an unknown id
   */
  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    if (!Array.isArray(ids)) throw new TokenizerError('TOKENIZER_INVALID_INPUT', `decode() takes an array of token ids, got ${typeof ids}.`);
    const bytes: number[] = [];
    for (const id of ids) {
      const special = this.#specialContent.get(id);
      if (special !== undefined) {
        if (options.skipSpecialTokens !== true) pushUtf8(special, bytes);
        continue;
      }
      const token = typeof id === 'number' ? this.#bpe.idToToken[id] : undefined;
      if (token === undefined) {
        throw new TokenizerError('TOKENIZER_INVALID_INPUT', `decode(): ${describeValue(id)} is not a token id of this vocabulary (0 … ${this.vocabSize - 1}).`, {
          details: { id },
        });
      }
      for (const ch of token) {
        const b = ch.length === 1 ? UNICODE_TO_BYTE[ch.charCodeAt(0)] : undefined;
        if (b !== undefined && b >= 0) bytes.push(b);
        else pushUtf8(ch, bytes);
      }
    }
    return pythonStrip(decodeUtf8(bytes).replace(END_OF_WORD_RUN, ' '));
  }

  /**
   * Encodes a text or a batch: ids plus attention masks, truncated to
   * `maxLength` (keeping end-of-text) unless `truncation` is false, and padded
   * with {@link CLIPTokenizer.padTokenId} as `padding` says.
   *
   * @throws {@link TokenizerError} `TOKENIZER_INVALID_INPUT` for non-string texts, `TOKENIZER_INVALID_OPTION` for bad options
   */
  call(texts: string | readonly string[], options: CallOptions = {}): BatchEncoding {
    const list = typeof texts === 'string' ? [texts] : texts;
    if (!Array.isArray(list)) throw new TokenizerError('TOKENIZER_INVALID_INPUT', `call() takes a string or an array of strings, got ${typeof texts}.`);
    const padding = options.padding === true ? 'longest' : (options.padding ?? false);
    if (padding !== false && padding !== 'longest' && padding !== 'max_length') {
      throw invalidOption(`padding must be 'longest', 'max_length' or false, got ${describeValue(options.padding)}.`);
    }
    const addSpecialTokens = options.addSpecialTokens ?? true;
    const maxLength = checkInteger('maxLength', options.maxLength ?? this.modelMaxLength, addSpecialTokens ? 2 : 1);
    const truncation = options.truncation ?? true;
    const inputIds = list.map((text, index) => {
      if (typeof text !== 'string') {
        throw new TokenizerError('TOKENIZER_INVALID_INPUT', `call(): texts[${index}] is ${text === null ? 'null' : typeof text}, not a string.`, { details: { index } });
      }
      return this.encode(text, { addSpecialTokens, truncation, maxLength });
    });
    const attentionMask = inputIds.map((row) => row.map(() => 1));
    if (padding !== false) {
      const width = padding === 'max_length' ? maxLength : Math.max(0, ...inputIds.map((row) => row.length));
      inputIds.forEach((row, r) => {
        while (row.length < width) {
          row.push(this.padTokenId);
          attentionMask[r]!.push(0);
        }
      });
    }
    return { inputIds, attentionMask };
  }

  /** Appends the ids of `text` to `out`, reading it piece by piece and stopping once `out` has `limit` ids. */
  #encodeInto(text: string, out: number[], limit: number): void {
    const whole = !this.#piecewise;
    if (this.#openAIWords !== undefined) {
      for (const cleaned of openAIPieces(text, whole)) {
        for (const word of splitWordsOpenAI(cleaned, this.#openAIWords)) {
          const special = this.#specialIds.get(word);
          if (special !== undefined) out.push(special);
          else this.#pushWord(word, out);
        }
        if (out.length >= limit) return;
      }
      return;
    }
    for (const [start, end] of textPieces(text, 0, whole)) {
      const piece = start === 0 && end === text.length ? text : text.slice(start, end);
      this.#splitSpecials(piece, this.#rawSpecials, out, (section) => this.#encodeSection(section, out));
      if (out.length >= limit) return;
    }
  }

  /** Normalizes one stretch of text between raw special tokens and encodes it. */
  #encodeSection(section: string, out: number[]): void {
    const normalized = normalizeFast(section);
    this.#splitSpecials(normalized, this.#normalizedSpecials, out, (part) => {
      for (const word of splitWordsFast(part)) this.#pushWord(word, out);
    });
  }

  #splitSpecials(text: string, pattern: RegExp | undefined, out: number[], encode: (part: string) => void): void {
    if (pattern === undefined) {
      encode(text);
      return;
    }
    pattern.lastIndex = 0;
    let start = 0;
    for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
      if (match.index > start) encode(text.slice(start, match.index));
      out.push(this.#specialIds.get(match[0])!);
      start = match.index + match[0].length;
    }
    if (start < text.length) encode(start === 0 ? text : text.slice(start));
  }

  #pushWord(word: string, out: number[]): void {
    let ids = this.#cache.get(word);
    if (ids === undefined) {
      ids = this.#bpe.encodeWord(word);
      this.#cache.set(word, ids);
    }
    for (let i = 0; i < ids.length; i++) out.push(ids[i]!);
  }
}

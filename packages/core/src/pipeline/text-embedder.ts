import type { AbortSignalLike } from '../backend/backend.js';
import { createTensor, type Tensor } from '../tensor/tensor.js';
import type { CLIPTokenizer } from '../tokenizer/clip-tokenizer.js';
import { LruCache } from '../tokenizer/lru-cache.js';
import { TEXT_INPUT, TEXT_OUTPUT } from '../bundle/graph-names.js';
import { float32Output } from './graph-io.js';
import { RUN_BATCH } from './pipeline-limits.js';

/** Runs the text_encoder graph (the pipeline's wrapper adds counting, cancellation and disposal). @internal */
export type TextEncoderRun = (feeds: Record<string, Tensor>, fetches: readonly string[], signal: AbortSignalLike | undefined) => Promise<Record<string, Tensor>>;

interface CachedText {
  readonly embedding: Float32Array;
  /** Token count before truncation (at most {@link COUNTED_TOKENS}), when the text was truncated. */
  readonly truncatedFrom: number | undefined;
}

/**
 * Tokens counted for the truncation warning: a longer text is reported as having "at least" this many, so that
 * only a bounded prefix of any text is ever tokenized (the tokenizer stops once truncation is decided).
 */
const COUNTED_TOKENS = 1024;

/**
 * Texts longer than this (UTF-16 code units) are not cached: the cache keys by the exact string, and 256 cached
 * 50 MB prompts would hold 25 GB. Their embedding is recomputed (one short text_encoder run) each time.
 */
export const MAX_CACHED_TEXT_LENGTH = 16_384;

/** Settings of a {@link TextEmbedder}. @internal */
export interface TextEmbedderOptions {
  /** The bundle's tokenizer. */
  readonly tokenizer: CLIPTokenizer;
  /** Longest token sequence the text encoder takes (begin/end-of-text included). */
  readonly maxLength: number;
  /** Width of each embedding. */
  readonly projectionDim: number;
  /** Texts whose embedding is kept; 0 disables the cache. */
  readonly cacheSize: number;
  /** Runs the text_encoder. */
  readonly run: TextEncoderRun;
  /** Receives truncation warnings. */
  readonly onWarning: (message: string) => void;
  /** Called with the number of cache hits of each call. */
  readonly onCacheHits: (hits: number) => void;
}

function quote(text: string): string {
  const shown = text.length > 80 ? `${text.slice(0, 77)}…` : text;
  return JSON.stringify(shown);
}

/**
 * Text prompts → text embeddings: tokenizes, truncates (warning), batches the texts a call has not cached into
 * text_encoder runs of up to `RUN_BATCH.text` rows (each padded to its longest row), and keeps embeddings in a
 * bounded LRU cache keyed by the exact string (texts up to {@link MAX_CACHED_TEXT_LENGTH} long).
 * @internal
 */
export class TextEmbedder {
  readonly #options: TextEmbedderOptions;
  readonly #cache: LruCache<string, CachedText>;

  constructor(options: TextEmbedderOptions) {
    this.#options = options;
    this.#cache = new LruCache(options.cacheSize);
  }

  /** Texts cached now. */
  get cacheSize(): number {
    return this.#cache.size;
  }

  /** Drops every cached embedding. */
  clear(): void {
    this.#cache.clear();
  }

  /** The embedding of each distinct text (`projection_dim` floats, owned by the cache: do not mutate). */
  async embed(texts: readonly string[], signal: AbortSignalLike | undefined): Promise<Map<string, Float32Array>> {
    const { tokenizer, maxLength, projectionDim: dim } = this.#options;
    const countTo = Math.max(COUNTED_TOKENS, maxLength + 1);
    const found = new Map<string, Float32Array>();
    const misses: { text: string; ids: number[]; truncatedFrom: number | undefined }[] = [];
    let hits = 0;
    for (const text of new Set(texts)) {
      const cached = this.#cache.get(text);
      if (cached !== undefined) {
        hits++;
        found.set(text, cached.embedding);
        if (cached.truncatedFrom !== undefined) this.#warn(text, cached.truncatedFrom);
        continue;
      }
      // Tokenized up to countTo tokens only: the tokenizer stops early, however long the text.
      const counted = tokenizer.encode(text, { truncation: true, maxLength: countTo });
      const truncatedFrom = counted.length > maxLength ? counted.length : undefined;
      const ids = truncatedFrom === undefined ? counted : tokenizer.encode(text, { truncation: true, maxLength });
      if (truncatedFrom !== undefined) this.#warn(text, truncatedFrom);
      misses.push({ text, ids, truncatedFrom });
    }
    if (hits > 0) this.#options.onCacheHits(hits);
    for (let start = 0; start < misses.length; start += RUN_BATCH.text) {
      const batch = misses.slice(start, start + RUN_BATCH.text);
      const width = Math.max(...batch.map((m) => m.ids.length));
      const data = new BigInt64Array(batch.length * width).fill(BigInt(tokenizer.padTokenId));
      batch.forEach((m, row) => m.ids.forEach((id, col) => (data[row * width + col] = BigInt(id))));
      const outputs = await this.#options.run({ [TEXT_INPUT]: createTensor('int64', [batch.length, width], data) }, [TEXT_OUTPUT], signal);
      const embeds = float32Output(outputs, 'text_encoder', TEXT_OUTPUT, [batch.length, dim]);
      batch.forEach((m, row) => {
        const embedding = embeds.data.slice(row * dim, (row + 1) * dim);
        if (m.text.length <= MAX_CACHED_TEXT_LENGTH) this.#cache.set(m.text, { embedding, truncatedFrom: m.truncatedFrom });
        found.set(m.text, embedding);
      });
    }
    return found;
  }

  #warn(text: string, tokens: number): void {
    const max = this.#options.maxLength;
    const countTo = Math.max(COUNTED_TOKENS, max + 1);
    const count = tokens >= countTo ? `at least ${countTo}` : String(tokens);
    this.#options.onWarning(
      `Text prompt ${quote(text)} has ${count} tokens (begin/end-of-text included), more than the ${max} the text encoder takes; it was truncated to its first ${max - 1} tokens plus end-of-text. Shorten the prompt to use all of it.`,
    );
  }
}

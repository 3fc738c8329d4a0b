import type { Box, VisualPromptMode } from './image-adapter.js';
import { DEFAULT_VISUAL_PROMPT_MODE, VISUAL_PROMPT_MODES, isVisualPromptMode } from './image-adapter.js';
import { PipelineError } from './pipeline-error.js';
import { PIPELINE_LIMITS } from './pipeline-limits.js';

/** A text prompt as an object; same as passing the string. */
export interface TextPrompt {
  /** The text; must not be empty or white space only. */
  readonly text: string;
}

/**
 * An example image (a "visual prompt"): it is embedded with the image tower (vision_encoder → image_projector)
 * after optional visual prompt engineering around `mask` or `box`.
 */
export interface ImagePrompt<I, M = I> {
  /** The example image. */
  readonly image: I;
  /** Mask of the example object, same size as `image`; wins over `box` for engineering. */
  readonly mask?: M;
  /** Box around the example object, in pixels of `image`. */
  readonly box?: Box;
  /**
   * How to engineer the image around `mask`/`box`. Default: `'crop-blur-darken'` when a mask or box is given,
   * else `'none'`. With `'none'`, a mask or box is ignored.
   */
  readonly mode?: VisualPromptMode;
}

/** A ready conditional embedding (for example one saved by `clipseg embed`); its length must be `projection_dim`. */
export interface EmbeddingPrompt {
  /** `projection_dim` finite numbers. */
  readonly embedding: Float32Array | readonly number[];
}

/** One part of a {@link MixPrompt}. */
export interface MixPart<I, M = I> {
  /** Any prompt, mixes included. */
  readonly prompt: Prompt<I, M>;
  /** Its weight: a finite number of magnitude at most {@link MAX_MIX_WEIGHT} (negative weights subtract). */
  readonly weight: number;
}

/**
 * A weighted sum of the embeddings of other prompts: `Σ weight · embedding(prompt)`, not normalised (use weights
 * summing to 1 for an average). Weights must be finite and not all zero.
 */
export interface MixPrompt<I, M = I> {
  /** The parts; at least one. */
  readonly mix: readonly MixPart<I, M>[];
}

/**
 * What a segmentation is conditioned on: a text (`'a cat'` or `{ text }`), an example image, a raw embedding, or
 * a weighted mix of those. `I` is the image type of the pipeline's {@link ImageAdapter}, `M` its mask type.
 */
export type Prompt<I = never, M = I> = string | TextPrompt | ImagePrompt<I, M> | EmbeddingPrompt | MixPrompt<I, M>;

/** A validated prompt, as the pipeline resolves it. @internal */
export type PromptNode<I, M> =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'image'; readonly image: I; readonly mask: M | undefined; readonly box: Box | undefined; readonly mode: VisualPromptMode }
  | { readonly kind: 'embedding'; readonly values: Float32Array }
  | { readonly kind: 'mix'; readonly parts: readonly { readonly node: PromptNode<I, M>; readonly weight: number }[] };

/** Mixes may nest, but not deeper than this (guards against cyclic objects). */
export const MAX_MIX_DEPTH = 8;
/**
 * Largest magnitude of a mix weight: far beyond any useful mix, yet small enough that a weighted sum of embeddings
 * stays finite in float32 instead of silently becoming an empty mask.
 */
export const MAX_MIX_WEIGHT = 1e4;

const KIND_KEYS = ['text', 'image', 'embedding', 'mix'] as const;
const ALLOWED_KEYS: Readonly<Record<(typeof KIND_KEYS)[number], readonly string[]>> = {
  text: ['text'],
  image: ['image', 'mask', 'box', 'mode'],
  embedding: ['embedding'],
  mix: ['mix'],
};

function invalid(path: string, message: string, details: Record<string, unknown> = {}): PipelineError {
  return new PipelineError('PIPELINE_PROMPT_INVALID', `${path}: ${message}`, { details: { path, ...details } });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value).slice(0, 40)}`;
}

function parseText(text: unknown, path: string): PromptNode<never, never> {
  if (typeof text !== 'string') throw invalid(path, `text must be a string, got ${describe(text)}.`);
  if (text.trim() === '') {
    throw new PipelineError(
      'PIPELINE_EMPTY_PROMPT',
      `${path}: the text prompt is ${text === '' ? 'empty' : 'white space only'}. An empty prompt embeds just begin/end-of-text and segments nothing in particular; give a description such as "a cat".`,
      { details: { path } },
    );
  }
  return { kind: 'text', text };
}

function parseBox(value: unknown, path: string): Box {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(path, `box must be { x, y, width, height }, got ${describe(value)}.`);
  const box = value as Record<string, unknown>;
  for (const key of ['x', 'y', 'width', 'height'] as const) {
    const v = box[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || ((key === 'width' || key === 'height') && v <= 0)) {
      throw invalid(`${path}.${key}`, `must be a finite number${key === 'width' || key === 'height' ? ' > 0' : ''}, got ${describe(v)}.`);
    }
  }
  return { x: box.x as number, y: box.y as number, width: box.width as number, height: box.height as number };
}

function parseImage<I, M>(o: Record<string, unknown>, path: string): PromptNode<I, M> {
  if (o.image === undefined || o.image === null) throw invalid(`${path}.image`, 'the example image is missing.');
  const mask = o.mask ?? undefined;
  const box = o.box === undefined || o.box === null ? undefined : parseBox(o.box, `${path}.box`);
  if (o.mode !== undefined && o.mode !== null && !isVisualPromptMode(o.mode)) {
    throw invalid(`${path}.mode`, `must be one of ${VISUAL_PROMPT_MODES.join(', ')}, got ${JSON.stringify(o.mode)}.`);
  }
  const given = (o.mode ?? undefined) as VisualPromptMode | undefined;
  const mode = given ?? (mask !== undefined || box !== undefined ? DEFAULT_VISUAL_PROMPT_MODE : 'none');
  if (mode !== 'none' && mask === undefined && box === undefined) {
    throw invalid(path, `mode '${mode}' engineers the image around a mask or a box, but neither is given. Pass mask or box, or use mode 'none'.`);
  }
  return { kind: 'image', image: o.image as I, mask: mask as M | undefined, box, mode };
}

function parseEmbedding(value: unknown, path: string, projectionDim: number): PromptNode<never, never> {
  const isNumbers = Array.isArray(value) || value instanceof Float32Array || value instanceof Float64Array;
  if (!isNumbers) throw invalid(path, `embedding must be a Float32Array or an array of numbers, got ${describe(value)}.`);
  const list = value as ArrayLike<unknown>;
  if (list.length !== projectionDim) {
    throw new PipelineError(
      'PIPELINE_EMBEDDING_SIZE',
      `${path}: the embedding has ${list.length} values, but this model's embeddings have projection_dim = ${projectionDim}. Use an embedding made by the same model.`,
      { details: { path, expected: projectionDim, actual: list.length } },
    );
  }
  const values = new Float32Array(projectionDim);
  for (let i = 0; i < projectionDim; i++) {
    const v = list[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw invalid(`${path}[${i}]`, `embedding values must be finite numbers, got ${describe(v)}.`);
    values[i] = v;
  }
  return { kind: 'embedding', values };
}

/** Counts the prompt nodes of one call (mix parts included) against `PIPELINE_LIMITS.maxPromptParts`. */
interface PartCounter {
  count: number;
}

function tooManyParts(path: string): PipelineError {
  const max = PIPELINE_LIMITS.maxPromptParts;
  return new PipelineError(
    'PIPELINE_TOO_MANY_PROMPTS',
    `${path}: this call resolves more than ${max} prompts counting every part of every mix, the most one call takes (PIPELINE_LIMITS.maxPromptParts). Split the prompts over several calls, or use smaller mixes.`,
    { details: { path, max } },
  );
}

function parseMix<I, M>(value: unknown, path: string, projectionDim: number, depth: number, counter: PartCounter): PromptNode<I, M> {
  if (!Array.isArray(value) || value.length === 0) throw invalid(path, `mix must be a non-empty array of { prompt, weight }, got ${describe(value)}.`);
  if (depth >= MAX_MIX_DEPTH) throw invalid(path, `mixes nest deeper than ${MAX_MIX_DEPTH} levels (a cycle?). Flatten the mix.`);
  const parts = value.map((item: unknown, i) => {
    const at = `${path}[${i}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw invalid(at, `each mix part must be { prompt, weight }, got ${describe(item)}.`);
    const part = item as Record<string, unknown>;
    const extra = Object.keys(part).filter((k) => k !== 'prompt' && k !== 'weight');
    if (extra.length > 0) throw invalid(at, `unknown key(s) ${extra.join(', ')}; a mix part is { prompt, weight }.`);
    if (typeof part.weight !== 'number' || !Number.isFinite(part.weight)) throw invalid(`${at}.weight`, `must be a finite number, got ${describe(part.weight)}.`);
    if (Math.abs(part.weight) > MAX_MIX_WEIGHT) {
      throw invalid(`${at}.weight`, `must be between -${MAX_MIX_WEIGHT} and ${MAX_MIX_WEIGHT}, got ${describe(part.weight)}; larger weights overflow the embedding. Scale the weights down.`);
    }
    return { node: parseNode<I, M>(part.prompt, `${at}.prompt`, projectionDim, depth + 1, counter), weight: part.weight };
  });
  if (parts.every((p) => p.weight === 0)) throw invalid(path, 'every weight is 0, so the mix would be a zero embedding. Give at least one part a non-zero weight.');
  return { kind: 'mix', parts };
}

function parseNode<I, M>(value: unknown, path: string, projectionDim: number, depth: number, counter: PartCounter): PromptNode<I, M> {
  if (++counter.count > PIPELINE_LIMITS.maxPromptParts) throw tooManyParts(path);
  if (typeof value === 'string') return parseText(value, path);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(path, `a prompt is a string or one of { text }, { image, mask?, box?, mode? }, { embedding }, { mix }; got ${describe(value)}.`);
  }
  const o = value as Record<string, unknown>;
  const kinds = KIND_KEYS.filter((k) => k in o);
  if (kinds.length !== 1) {
    throw invalid(
      path,
      kinds.length === 0
        ? `the object has none of the keys text, image, embedding, mix (it has ${Object.keys(o).join(', ') || 'no keys'}).`
        : `the object has ${kinds.join(' and ')}; a prompt is exactly one kind.`,
    );
  }
  const kind = kinds[0]!;
  const extra = Object.keys(o).filter((k) => !ALLOWED_KEYS[kind].includes(k));
  if (extra.length > 0) throw invalid(path, `unknown key(s) ${extra.join(', ')} in a ${kind} prompt (allowed: ${ALLOWED_KEYS[kind].join(', ')}).`, { keys: extra });
  switch (kind) {
    case 'text':
      return parseText(o.text, `${path}.text`);
    case 'image':
      return parseImage<I, M>(o, path);
    case 'embedding':
      return parseEmbedding(o.embedding, `${path}.embedding`, projectionDim);
    case 'mix':
      return parseMix<I, M>(o.mix, `${path}.mix`, projectionDim, depth, counter);
  }
}

/** Which call the prompts are for: `segment` returns a logits map per prompt, `embed` only an embedding. @internal */
export type PromptCall = 'segment' | 'embed';

/**
 * Validates the prompts of one call (one prompt or an array), refusing more than the call takes
 * (`PIPELINE_LIMITS.maxSegmentPrompts` or `maxEmbedPrompts`, and `maxPromptParts` through mixes) before any work.
 *
 * @throws {@link PipelineError} `PIPELINE_EMPTY_PROMPTS`, `PIPELINE_TOO_MANY_PROMPTS`, `PIPELINE_EMPTY_PROMPT`,
 *   `PIPELINE_PROMPT_INVALID` or `PIPELINE_EMBEDDING_SIZE`, naming the prompt's path (`prompts[2].mix[0].prompt`).
 * @internal
 */
export function parsePrompts<I, M>(prompts: unknown, projectionDim: number, call: PromptCall): PromptNode<I, M>[] {
  const list: readonly unknown[] = Array.isArray(prompts) ? prompts : [prompts];
  if (list.length === 0) throw new PipelineError('PIPELINE_EMPTY_PROMPTS', 'No prompts were given; pass at least one text, image, embedding or mix prompt.');
  const max = call === 'segment' ? PIPELINE_LIMITS.maxSegmentPrompts : PIPELINE_LIMITS.maxEmbedPrompts;
  if (list.length > max) {
    const why = call === 'segment' ? 'each prompt gets its own logits map, all held in the result' : 'all embeddings are computed and held at once';
    throw new PipelineError(
      'PIPELINE_TOO_MANY_PROMPTS',
      `This ${call} call has ${list.length} prompts, more than the ${max} one call takes (PIPELINE_LIMITS.${call === 'segment' ? 'maxSegmentPrompts' : 'maxEmbedPrompts'}: ${why}). Split them into calls of at most ${max} (prompts.slice(0, ${max}), prompts.slice(${max}, ${2 * max}) …), using each result before the next call.`,
      { details: { call, count: list.length, max } },
    );
  }
  const counter: PartCounter = { count: 0 };
  return list.map((p, i) => parseNode<I, M>(p, Array.isArray(prompts) ? `prompts[${i}]` : 'prompt', projectionDim, 0, counter));
}

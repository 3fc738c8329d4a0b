import { basename, extname, resolve } from 'node:path';
import { isVisualPromptMode, openSafetensors, bytesSource, type Box, type Prompt, type VisualPromptMode } from '@clipseg/core';
import type { PromptMask, RasterImage } from '@clipseg/processor';
import { decodeImage, type DecodeImageOptions } from '@clipseg/runtime-node';
import { MAX_EMBEDDING_FILE_BYTES } from '@clipseg/runtime-node/io';
import { CliError } from './cli-error.js';
import { parseNumber } from './parse-options.js';
import { readInputFile } from './read-input.js';

/** One prompt as the user gave it, with a label for file names and reports. */
export interface LabelledPrompt {
  readonly prompt: Prompt<RasterImage, PromptMask>;
  readonly label: string;
  readonly kind: 'text' | 'image' | 'embedding';
}

/** The parseArgs tokens this module reads (option name and value, in command-line order). */
export interface OptionToken {
  readonly kind: string;
  readonly name?: string;
  readonly value?: string | undefined;
}

/** Largest coordinate or side `--prompt-box` accepts, in pixels (far beyond any image the decoder takes). */
const MAX_BOX_PIXELS = 1_000_000;

function parseBox(value: string): Box {
  const parts = value.split(',');
  if (parts.length !== 4) throw new CliError('CLI_USAGE', `--prompt-box must be X,Y,WIDTH,HEIGHT in pixels, got '${value}'.`);
  const names = ['X', 'Y', 'WIDTH', 'HEIGHT'];
  const [x, y, width, height] = parts.map((part, i) => parseNumber(part, `--prompt-box ${names[i]}`, { min: i < 2 ? -MAX_BOX_PIXELS : 0, max: MAX_BOX_PIXELS })) as [number, number, number, number];
  if (width === 0 || height === 0) throw new CliError('CLI_USAGE', `--prompt-box WIDTH and HEIGHT must be > 0, got '${value}'.`);
  return { x, y, width, height };
}

/**
 * Reads the `embeddings` tensor [N, D] of a safetensors file (as written by `clipseg embed`) as N prompts; the
 * file must be a regular file of at most {@link MAX_EMBEDDING_FILE_BYTES}.
 */
export async function readEmbeddingFile(path: string): Promise<Float32Array[]> {
  const bytes = await readInputFile(path, `the embedding file ${path}`, MAX_EMBEDDING_FILE_BYTES);
  const reader = await openSafetensors(bytesSource(bytes));
  if (!reader.has('embeddings')) {
    throw new CliError('CLI_INPUT_INVALID', `${path} has no 'embeddings' tensor (it has ${reader.names.join(', ') || 'none'}); write one with 'clipseg embed'.`);
  }
  const info = reader.info('embeddings');
  if (info.shape.length !== 2 && info.shape.length !== 1) throw new CliError('CLI_INPUT_INVALID', `${path}: 'embeddings' must be [N, D] or [D], got [${info.shape.join(', ')}].`);
  const data = await reader.readFloat32('embeddings');
  const dim = info.shape[info.shape.length - 1]!;
  return Array.from({ length: data.length / dim }, (_, i) => data.subarray(i * dim, (i + 1) * dim));
}

/** A short file-name-safe label for a prompt text. */
export function slug(text: string): string {
  const s = text.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40).replace(/-+$/, '');
  return s || 'prompt';
}

/**
 * Turns the prompt options, in the order given, into pipeline prompts:
 * `--prompt TEXT`, `--prompt-image FILE` (then optionally `--prompt-mask FILE`
 * or `--prompt-box X,Y,W,H` and `--prompt-mode MODE`, which apply to the image
 * prompt before them), `--prompt-embedding FILE` (every row of its `embeddings`).
 */
export async function promptsFromTokens(tokens: readonly OptionToken[], cwd: string, decode: DecodeImageOptions): Promise<LabelledPrompt[]> {
  const prompts: LabelledPrompt[] = [];
  let image: { file: string; image: RasterImage; mask?: PromptMask; box?: Box; mode?: VisualPromptMode } | undefined;
  const flush = () => {
    if (!image) return;
    const { file, mask, box, mode } = image;
    const region = mask !== undefined ? { mask } : box !== undefined ? { box } : {};
    prompts.push({
      prompt: { image: image.image, ...region, ...(mode === undefined ? {} : { mode }) },
      label: `image-${slug(basename(file, extname(file)))}`,
      kind: 'image',
    });
    image = undefined;
  };
  const needImage = (option: string) => {
    if (!image) throw new CliError('CLI_USAGE', `${option} must follow a --prompt-image it applies to.`);
    return image;
  };
  for (const token of tokens) {
    if (token.kind !== 'option' || token.value === undefined) continue;
    const value = token.value;
    switch (token.name) {
      case 'prompt':
        flush();
        prompts.push({ prompt: value, label: slug(value), kind: 'text' });
        break;
      case 'prompt-image':
        flush();
        image = { file: value, image: await decodeImage(resolve(cwd, value), decode) };
        break;
      case 'prompt-mask':
        needImage('--prompt-mask').mask = await decodeImage(resolve(cwd, value), decode);
        break;
      case 'prompt-box':
        needImage('--prompt-box').box = parseBox(value);
        break;
      case 'prompt-mode': {
        if (!isVisualPromptMode(value)) throw new CliError('CLI_USAGE', `--prompt-mode must be one of none, crop, darken, blur, crop-blur, crop-darken, crop-blur-darken; got '${value}'.`);
        needImage('--prompt-mode').mode = value;
        break;
      }
      case 'prompt-embedding': {
        flush();
        const rows = await readEmbeddingFile(resolve(cwd, value));
        rows.forEach((embedding, i) => prompts.push({ prompt: { embedding }, label: `embedding-${slug(basename(value, extname(value)))}-${i}`, kind: 'embedding' }));
        break;
      }
      default:
        break;
    }
  }
  flush();
  return prompts;
}

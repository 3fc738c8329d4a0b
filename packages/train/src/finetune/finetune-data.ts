/**
 * The data of a fine-tuning run, encoded once: each image's vision activations, each prompt's conditional
 * embedding and each target at the model's input size. The decoder then trains for any number of epochs without
 * running CLIP again (PyTorch recipes re-run the frozen vision tower every step).
 *
 * @module
 */
import type { AbortSignalLike, CLIPSeg, FileSet, ImageSize, Tensor } from '@clipseg/core';
import { PIPELINE_LIMITS } from '@clipseg/core';
import type { PromptMask, RasterImage } from '@clipseg/processor';
import type { DatasetItem, DatasetPrompt } from '../data/dataset-item.js';
import { loadDatasetItem, type DecodeImage } from '../data/load-item.js';
import { resizeMaskNearest } from '../data/resize-mask-nearest.js';
import { TrainingError } from '../training/training-error.js';

/** One (image, prompt, target) example, encoded. */
export interface PreparedExample {
  /** The image's name in the dataset: the key of its activations. */
  readonly image: string;
  /** The prompt's key in {@link PreparedFinetuneData.embeddings}: `text:<prompt>` or `image:<file name>`. */
  readonly prompt: string;
  /** The target at the model's input size, 0 or 1 per pixel, row-major. */
  readonly target: Uint8Array;
}

/** Everything the decoder trains and validates on, in memory. */
export interface PreparedFinetuneData {
  /** Side of the targets (the model's input size). */
  readonly imageSize: ImageSize;
  /** Each image's activations `activation_k` `[1, tokens, hidden]`, by image name. */
  readonly activations: ReadonlyMap<string, readonly Tensor<'float32'>[]>;
  /** Each prompt's conditional embedding (`projection_dim` values), by prompt key. */
  readonly embeddings: ReadonlyMap<string, Float32Array>;
  /** Training examples, in the input order. */
  readonly train: readonly PreparedExample[];
  /** Validation examples, in the input order. */
  readonly validation: readonly PreparedExample[];
}

/** The images, prompts and masks of a run: dataset items (from `readFolderDataset` or `readCocoDataset`, split). */
export interface FinetuneSource {
  /** Where the items' files are. */
  readonly files: FileSet;
  /** Items to train on. */
  readonly train: readonly DatasetItem[];
  /** Items held out for validation (may be empty). */
  readonly validation: readonly DatasetItem[];
  /** The runtime's image decoder (runtime-node's `decodeImage` on bytes, a canvas in a browser). */
  readonly decodeImage: DecodeImage;
  /** Largest image file read (default the dataset readers' limit). */
  readonly maxImageBytes?: number;
}

/** Progress of {@link prepareFinetuneData}: items loaded and encoded so far. */
export interface PrepareProgress {
  /** Items done. */
  readonly done: number;
  /** Items in all (training and validation). */
  readonly total: number;
  /** Distinct images encoded so far (vision tower runs). */
  readonly imagesEncoded: number;
}

/** The key of a prompt in {@link PreparedFinetuneData.embeddings}. */
export function promptKey(prompt: DatasetPrompt): string {
  return prompt.kind === 'text' ? `text:${prompt.text}` : `image:${prompt.image}`;
}

/**
 * Loads every item once, runs the vision tower once per distinct image (the pipeline's `encodeImage`; its
 * activations are kept), embeds each distinct prompt once (texts in batches, example images one by one) and
 * resizes each mask to the model's input size by nearest neighbour on pixel centres.
 *
 * Memory: `extract_layers × tokens × hidden` floats per image (≈ 4.5 MB for the CIDAS checkpoints at 352 × 352)
 * and one byte per target pixel per example.
 *
 * @param pipeline - the frozen CLIP (any backend), with an image adapter for rasters (processor's)
 * @throws errors of `loadDatasetItem` (files, masks) and of the pipeline; TrainingError `TRAINING_NO_DATA` when
 *   `source.train` is empty, `TRAINING_ABORTED` when `signal` aborts
 */
export async function prepareFinetuneData(
  pipeline: CLIPSeg<RasterImage, PromptMask>,
  source: FinetuneSource,
  options: { readonly signal?: AbortSignalLike; readonly onProgress?: (progress: PrepareProgress) => void } = {},
): Promise<PreparedFinetuneData> {
  if (source.train.length === 0) throw new TrainingError('TRAINING_NO_DATA', 'There is nothing to train on: the training split has no examples. Add examples or hold out fewer for validation.');
  const imageSize = pipeline.preprocessorConfig.size;
  const activations = new Map<string, readonly Tensor<'float32'>[]>();
  const embeddings = new Map<string, Float32Array>();
  const texts = new Set<string>();
  const total = source.train.length + source.validation.length;
  let done = 0;
  const prepare = async (item: DatasetItem): Promise<PreparedExample> => {
    if (options.signal?.aborted === true) throw new TrainingError('TRAINING_ABORTED', 'Fine-tuning was stopped while encoding the dataset; nothing was trained yet.');
    const loaded = await loadDatasetItem(source.files, item, source.decodeImage, source.maxImageBytes === undefined ? {} : { maxImageBytes: source.maxImageBytes });
    if (!activations.has(item.image)) {
      const handle = await pipeline.encodeImage(loaded.image, options.signal === undefined ? {} : { signal: options.signal });
      activations.set(item.image, pipeline.activations(handle));
    }
    const key = promptKey(item.prompt);
    if (item.prompt.kind === 'text') texts.add(item.prompt.text);
    else if (!embeddings.has(key)) embeddings.set(key, (await pipeline.embed([{ image: loaded.promptImage! }])).data.slice());
    done++;
    options.onProgress?.({ done, total, imagesEncoded: activations.size });
    return { image: item.image, prompt: key, target: resizeMaskNearest(loaded.mask, imageSize).data };
  };
  const train: PreparedExample[] = [];
  for (const item of source.train) train.push(await prepare(item));
  const validation: PreparedExample[] = [];
  for (const item of source.validation) validation.push(await prepare(item));
  const list = [...texts];
  const chunk = Math.min(256, PIPELINE_LIMITS.maxEmbedPrompts);
  const width = pipeline.config.projection_dim;
  for (let start = 0; start < list.length; start += chunk) {
    const part = list.slice(start, start + chunk);
    const data = (await pipeline.embed(part)).data;
    part.forEach((text, i) => embeddings.set(`text:${text}`, data.slice(i * width, (i + 1) * width)));
  }
  return { imageSize, activations, embeddings, train, validation };
}

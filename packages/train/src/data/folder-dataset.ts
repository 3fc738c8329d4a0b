import type { FileSet } from '@clipseg/core';
import type { DatasetPrompt, FolderDatasetItem } from './dataset-item.js';
import { checkDatasetFile, checkDatasetName, describe, readDatasetFile, type CheckedFile } from './read-dataset-file.js';
import { ProblemList } from './train-data-error.js';

/** The folder layout's manifest, at the dataset's root. */
export const FOLDER_DATASET_MANIFEST = 'dataset.jsonl';
/** Largest manifest read by default: 64 MiB (about half a million lines). */
export const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;
/** Largest image, mask or prompt-image file accepted by default: 256 MiB. */
export const MAX_DATASET_IMAGE_BYTES = 256 * 1024 * 1024;
/** Longest text prompt, in UTF-16 code units. */
export const MAX_PROMPT_LENGTH = 1000;

/** Options of {@link readFolderDataset}. */
export interface ReadFolderDatasetOptions {
  /** The manifest's name in the file set; default {@link FOLDER_DATASET_MANIFEST}. */
  readonly manifest?: string;
  /** Largest manifest read; default {@link MAX_MANIFEST_BYTES}. */
  readonly maxManifestBytes?: number;
  /** Largest image, mask or prompt image accepted; default {@link MAX_DATASET_IMAGE_BYTES}. */
  readonly maxImageBytes?: number;
}

const KEYS = new Set(['image', 'mask', 'prompt', 'promptImage']);

/**
 * Reads a fine-tuning dataset in the folder layout (see the package README, "Datasets"): a `dataset.jsonl` manifest
 * whose every line is `{"image": …, "mask": …, "prompt": "…"}` or `{"image": …, "mask": …, "promptImage": …}`,
 * names relative to the dataset's root. Checks everything it can without decoding images: the manifest's lines, the
 * names (core's `checkRelativePath`: no `..`, not absolute), that every named file exists and is within
 * `maxImageBytes`, that a mask has its image's size where both headers state it (PNG, JPEG,
 * GIF), and that no (image, mask, prompt) line repeats.
 *
 * @param files - the dataset folder (runtime-node's `directoryFileSet`, a folder picked in the browser …)
 * @returns the items in manifest order
 * @throws {@link TrainDataError} `TRAIN_DATA_INVALID` listing every problem found, including an empty dataset
 */
export async function readFolderDataset(files: FileSet, options: ReadFolderDatasetOptions = {}): Promise<FolderDatasetItem[]> {
  const manifest = options.manifest ?? FOLDER_DATASET_MANIFEST;
  const maxImageBytes = options.maxImageBytes ?? MAX_DATASET_IMAGE_BYTES;
  const problems = new ProblemList();
  const bytes = await readDatasetFile(files, manifest, options.maxManifestBytes ?? MAX_MANIFEST_BYTES, problems);
  if (bytes === undefined) {
    problems.throwIfAny(files.location);
    return [];
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    problems.add(manifest, 'is not valid UTF-8.');
    problems.throwIfAny(files.location);
    return [];
  }
  const items: FolderDatasetItem[] = [];
  const seen = new Map<string, number>();
  const checked = new Map<string, CheckedFile | undefined>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const where = `line ${i + 1}`;
    let entry: unknown;
    try {
      entry = JSON.parse(line) as unknown;
    } catch (error) {
      problems.add(manifest, `is not JSON: ${error instanceof Error ? error.message : String(error)}`, where);
      continue;
    }
    const item = parseEntry(entry, problems, manifest, where);
    if (item === undefined) continue;
    const key = JSON.stringify([item.image, item.mask, item.prompt]);
    const first = seen.get(key);
    if (first !== undefined) problems.add(manifest, `repeats line ${first} (same image, mask and prompt).`, where);
    else seen.set(key, i + 1);
    const names = [item.image, item.mask, ...(item.prompt.kind === 'image' ? [item.prompt.image] : [])];
    const found: (CheckedFile | undefined)[] = [];
    for (const name of names) {
      let file = checked.get(name);
      if (!checked.has(name)) {
        file = await checkDatasetFile(files, name, maxImageBytes, problems, manifest, where);
        checked.set(name, file);
      }
      found.push(file);
    }
    const [image, mask] = found;
    if (image?.size !== undefined && mask?.size !== undefined && (image.size.width !== mask.size.width || image.size.height !== mask.size.height)) {
      problems.add(manifest, `names the mask ${item.mask}, ${mask.size.width} × ${mask.size.height}, for the image ${item.image}, ${image.size.width} × ${image.size.height}; a mask must have its image's size.`, where);
    } else if (found.every((file) => file !== undefined)) items.push(item);
  }
  if (items.length === 0 && problems.count === 0) problems.add(manifest, 'lists no items; a dataset needs at least one (image, mask, prompt) line.');
  problems.throwIfAny(files.location);
  return items;
}

function parseEntry(entry: unknown, problems: ProblemList, file: string, where: string): FolderDatasetItem | undefined {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    problems.add(file, `must be an object {"image", "mask", "prompt" or "promptImage"}, not ${describe(entry)}.`, where);
    return undefined;
  }
  const record = entry as Record<string, unknown>;
  let ok = true;
  for (const key of Object.keys(record)) {
    if (!KEYS.has(key)) {
      problems.add(file, `has the unknown field ${JSON.stringify(key.slice(0, 40))}; the fields are image, mask, prompt and promptImage.`, where);
      ok = false;
    }
  }
  if (!('image' in record)) problems.add(file, 'has no "image".', where);
  if (!('mask' in record)) problems.add(file, 'has no "mask".', where);
  const image = 'image' in record && checkDatasetName(record.image, problems, file, `${where}, "image"`);
  const mask = 'mask' in record && checkDatasetName(record.mask, problems, file, `${where}, "mask"`);
  let prompt: DatasetPrompt | undefined;
  if ('prompt' in record && 'promptImage' in record) problems.add(file, 'has both "prompt" and "promptImage"; give one.', where);
  else if ('prompt' in record) {
    const text = record.prompt;
    if (typeof text !== 'string' || text.trim() === '') problems.add(file, `"prompt" must be a non-empty string, not ${describe(text)}.`, where);
    else if (text.length > MAX_PROMPT_LENGTH) problems.add(file, `"prompt" is longer than ${MAX_PROMPT_LENGTH} characters.`, where);
    else prompt = { kind: 'text', text };
  } else if ('promptImage' in record) {
    if (checkDatasetName(record.promptImage, problems, file, `${where}, "promptImage"`)) prompt = { kind: 'image', image: record.promptImage };
  } else problems.add(file, 'has neither "prompt" (a text) nor "promptImage" (an example image).', where);
  if (!ok || !image || !mask || prompt === undefined) return undefined;
  return { source: 'folder', image: record.image as string, mask: record.mask as string, prompt };
}

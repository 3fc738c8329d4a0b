import type { FileSet } from '@clipseg/core';
import type { CocoDatasetItem, CocoSegment } from './dataset-item.js';
import { parseSegmentation } from './coco-segmentation.js';
import { MAX_DATASET_IMAGE_BYTES, MAX_PROMPT_LENGTH } from './folder-dataset.js';
import { checkDatasetFile, checkDatasetName, describe, parseJsonFile, readDatasetFile } from './read-dataset-file.js';
import { ProblemList, TrainDataError, type DatasetProblem } from './train-data-error.js';

/** Largest COCO annotations file read by default: 512 MiB (COCO 2017's `instances_train2017.json` is 448 MiB). */
export const MAX_COCO_JSON_BYTES = 512 * 1024 * 1024;
/** Largest image side accepted from a COCO file's `images[].width` / `height`. */
export const MAX_COCO_IMAGE_SIDE = 16384;

/** Options of {@link readCocoDataset}. */
export interface ReadCocoDatasetOptions {
  /** The annotations file's name in the file set, e.g. `annotations/instances_val2017.json`. */
  readonly annotations: string;
  /** The folder the images' `file_name`s are relative to, e.g. `val2017`; default the file set's root. */
  readonly imagesFolder?: string;
  /**
   * Where prompts come from: a field of the category (default `{ category: 'name' }`; e.g. a field you added with
   * a longer description), or a string field of each annotation (e.g. `{ annotation: 'caption' }` for referring
   * expressions). Instances with the same prompt in an image are merged into one item.
   */
  readonly promptFrom?: { readonly category: string } | { readonly annotation: string };
  /** Draw `iscrowd: 1` regions into the masks (default `true`: a crowd of people is "person"). */
  readonly includeCrowd?: boolean;
  /** Check that every image with items exists and is at most `maxImageBytes` (default `true`). */
  readonly checkImages?: boolean;
  /** Largest annotations file read; default {@link MAX_COCO_JSON_BYTES}. */
  readonly maxJsonBytes?: number;
  /** Largest image file accepted; default {@link MAX_DATASET_IMAGE_BYTES}. */
  readonly maxImageBytes?: number;
}

/** What {@link readCocoDataset} returns. */
export interface CocoDataset {
  /** One item per (image, prompt) with at least one instance, images in file order. */
  readonly items: CocoDatasetItem[];
  /** Pieces skipped without refusing the dataset (polygons of fewer than 3 points, annotations left empty). */
  readonly warnings: DatasetProblem[];
}

interface CocoImage {
  readonly name: string;
  readonly width: number;
  readonly height: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

/**
 * Reads COCO instance annotations (`instances_*.json`): `images`, `categories` and `annotations` whose
 * `segmentation` is polygons or RLE (uncompressed or compressed). Validates the whole file up front and lists every
 * problem: unreadable or oversized JSON, missing arrays, duplicate image / category / annotation ids, unknown
 * image or category ids, bad image sizes, unsafe file names (core's `checkRelativePath`), polygons with an odd
 * number of coordinates, RLE sizes other than the image's, missing images, images whose header states another size
 * than the annotations, an empty dataset. Masks are not drawn
 * here: {@link cocoItemMask} draws an item's on demand, exactly as pycocotools' `annToMask` (merged).
 *
 * @throws {@link TrainDataError} `TRAIN_DATA_INVALID` listing every problem, `TRAIN_DATA_INVALID_ARGUMENT` for bad
 *   options
 */
export async function readCocoDataset(files: FileSet, options: ReadCocoDatasetOptions): Promise<CocoDataset> {
  const problems = new ProblemList();
  const warnings = new ProblemList();
  const file = options.annotations;
  const promptFrom = options.promptFrom ?? { category: 'name' };
  const promptField = 'category' in promptFrom ? promptFrom.category : promptFrom.annotation;
  if (typeof promptField !== 'string' || promptField === '') throw new TrainDataError('TRAIN_DATA_INVALID_ARGUMENT', 'promptFrom must name a field: { category: "name" } or { annotation: "caption" }.');
  if (!checkDatasetName(file, problems, file, 'options.annotations')) problems.throwIfAny(files.location);
  const folder = options.imagesFolder ?? '';
  if (folder !== '' && !checkDatasetName(folder, problems, file, 'options.imagesFolder')) problems.throwIfAny(files.location);
  const bytes = await readDatasetFile(files, file, options.maxJsonBytes ?? MAX_COCO_JSON_BYTES, problems);
  const json = bytes === undefined ? undefined : parseJsonFile(bytes, file, problems);
  if (problems.count > 0) problems.throwIfAny(files.location);
  if (!isRecord(json)) {
    problems.add(file, `must be a JSON object with "images", "annotations" and "categories", not ${describe(json)}.`);
    problems.throwIfAny(files.location);
    return { items: [], warnings: [] };
  }
  for (const key of ['images', 'annotations', 'categories']) {
    if (!Array.isArray(json[key])) problems.add(file, `"${key}" must be an array, not ${describe(json[key])}.`);
  }
  problems.throwIfAny(files.location);

  const categories = new Map<number, string | undefined>();
  (json.categories as unknown[]).forEach((category, i) => {
    const where = `categories[${i}]`;
    if (!isRecord(category) || !isId(category.id)) return problems.add(file, `must be an object with an integer "id", not ${describe(category)}.`, where);
    if (categories.has(category.id)) return problems.add(file, `repeats category id ${category.id}.`, where);
    let prompt: string | undefined;
    if ('category' in promptFrom) {
      prompt = checkPrompt(category[promptField], problems, file, `${where}.${promptField}`);
    }
    categories.set(category.id, prompt);
  });

  const images = new Map<number, CocoImage>();
  (json.images as unknown[]).forEach((image, i) => {
    const where = `images[${i}]`;
    if (!isRecord(image) || !isId(image.id)) return problems.add(file, `must be an object with an integer "id", not ${describe(image)}.`, where);
    if (images.has(image.id)) return problems.add(file, `repeats image id ${image.id}.`, where);
    const { width, height } = image;
    const sideOk = (side: unknown): side is number => isId(side) && side >= 1 && side <= MAX_COCO_IMAGE_SIDE;
    const sized = sideOk(width) && sideOk(height);
    if (!sized) problems.add(file, `width and height must be integers from 1 to ${MAX_COCO_IMAGE_SIDE}, not ${describe(width)} and ${describe(height)}.`, where);
    const named = checkDatasetName(image.file_name, problems, file, `${where}.file_name`) && checkDatasetName(folder === '' ? image.file_name : `${folder}/${image.file_name}`, problems, file, `${where}.file_name`);
    if (sized && named) images.set(image.id, { name: folder === '' ? (image.file_name as string) : `${folder}/${image.file_name as string}`, width, height });
    else images.set(image.id, { name: '', width: 0, height: 0 });
  });

  const annotationIds = new Set<number>();
  const groups = new Map<number, Map<string, { categoryIds: Set<number>; segments: CocoSegment[] }>>();
  (json.annotations as unknown[]).forEach((annotation, i) => {
    const where = `annotations[${i}]`;
    if (!isRecord(annotation)) return problems.add(file, `must be an object, not ${describe(annotation)}.`, where);
    if (!isId(annotation.id)) problems.add(file, `"id" must be an integer, not ${describe(annotation.id)}.`, where);
    else if (annotationIds.has(annotation.id)) problems.add(file, `repeats annotation id ${annotation.id}.`, where);
    else annotationIds.add(annotation.id);
    const image = isId(annotation.image_id) ? images.get(annotation.image_id) : undefined;
    if (image === undefined) problems.add(file, `"image_id" ${describe(annotation.image_id)} is not the id of an image in "images".`, where);
    const categoryKnown = isId(annotation.category_id) && categories.has(annotation.category_id);
    if (!categoryKnown) problems.add(file, `"category_id" ${describe(annotation.category_id)} is not the id of a category in "categories".`, where);
    const crowd = annotation.iscrowd ?? 0;
    if (crowd !== 0 && crowd !== 1 && crowd !== true && crowd !== false) problems.add(file, `"iscrowd" must be 0 or 1, not ${describe(crowd)}.`, where);
    const prompt = 'category' in promptFrom ? (categoryKnown ? categories.get(annotation.category_id as number) : undefined) : checkPrompt(annotation[promptField], problems, file, `${where}.${promptField}`);
    if (image === undefined || image.width === 0) return;
    const segments = parseSegmentation(annotation.segmentation, { file, where, width: image.width, height: image.height, problems, warnings });
    if (segments === undefined || prompt === undefined || !categoryKnown) return;
    if ((crowd === 1 || crowd === true) && options.includeCrowd === false) return;
    if (segments.length === 0) return warnings.add(file, 'has no usable polygon; the annotation is skipped.', where);
    const imageId = annotation.image_id as number;
    let byPrompt = groups.get(imageId);
    if (byPrompt === undefined) groups.set(imageId, (byPrompt = new Map()));
    let group = byPrompt.get(prompt);
    if (group === undefined) byPrompt.set(prompt, (group = { categoryIds: new Set(), segments: [] }));
    group.categoryIds.add(annotation.category_id as number);
    group.segments.push(...segments);
  });

  const items: CocoDatasetItem[] = [];
  for (const [imageId, image] of images) {
    for (const [text, group] of groups.get(imageId) ?? []) {
      items.push({ source: 'coco', image: image.name, imageId, width: image.width, height: image.height, categoryIds: [...group.categoryIds], prompt: { kind: 'text', text }, segments: group.segments });
    }
  }
  if (items.length === 0 && problems.count === 0) problems.add(file, 'has no annotation to train on; a dataset needs at least one image with an instance.');
  if (options.checkImages !== false && problems.count === 0) await checkImages(files, items, options.maxImageBytes ?? MAX_DATASET_IMAGE_BYTES, problems, file);
  problems.throwIfAny(files.location);
  return { items, warnings: warnings.list() };
}

function checkPrompt(value: unknown, problems: ProblemList, file: string, where: string): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') problems.add(file, `must be a non-empty string (the prompt), not ${describe(value)}.`, where);
  else if (value.length > MAX_PROMPT_LENGTH) problems.add(file, `is longer than ${MAX_PROMPT_LENGTH} characters (the prompt).`, where);
  else return value;
  return undefined;
}

/** Checks the images that have items, 16 at a time: there, within `maxBytes`, of the annotated size where the header tells. */
async function checkImages(files: FileSet, items: readonly CocoDatasetItem[], maxBytes: number, problems: ProblemList, file: string): Promise<void> {
  const byImage = new Map(items.map((item) => [item.image, item]));
  const names = [...byImage.keys()];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < names.length) {
      const item = byImage.get(names[next++]!)!;
      const checked = await checkDatasetFile(files, item.image, maxBytes, problems, file, `images[] id ${item.imageId}`);
      const size = checked?.size;
      if (size !== undefined && (size.width !== item.width || size.height !== item.height)) {
        problems.add(file, `says ${item.image} is ${item.width} × ${item.height}, but its header says ${size.width} × ${size.height}; masks are drawn at the annotated size.`, `images[] id ${item.imageId}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, names.length) }, worker));
}

import type { FileSet } from '@clipseg/core';
import { bitDepthOf, checkRasterImage, toRgb, type BinaryMask, type RasterImage } from '@clipseg/processor';
import type { DatasetItem } from './dataset-item.js';
import { cocoItemMask } from './coco-mask.js';
import { MAX_DATASET_IMAGE_BYTES } from './folder-dataset.js';
import { readDatasetFile } from './read-dataset-file.js';
import { ProblemList, TrainDataError } from './train-data-error.js';

/**
 * Decodes an image file's bytes: the runtime's job (sharp in Node, `createImageBitmap` + canvas in a browser, a
 * PNG/JPEG decoder anywhere). `name` is the file's name in the dataset, for messages and format sniffing.
 */
export type DecodeImage = (bytes: Uint8Array, name: string) => RasterImage | Promise<RasterImage>;

/** A dataset item with its pixels. */
export interface LoadedItem {
  /** The image, decoded. */
  readonly image: RasterImage;
  /** The target, at the image's size: 1 foreground, 0 background. */
  readonly mask: BinaryMask;
  /** The example image of an image prompt, decoded. */
  readonly promptImage?: RasterImage;
}

/** Options of {@link loadDatasetItem} and {@link checkDatasetImages}. */
export interface LoadItemOptions {
  /** Largest image file read; default {@link MAX_DATASET_IMAGE_BYTES}. */
  readonly maxImageBytes?: number;
}

/**
 * A mask file's pixels as a binary mask: an 8-bit image whose gray value, as Pillow's `convert('L')` computes it
 * (`(19595 R + 38470 G + 7471 B + 32768) >> 16` after `convert('RGB')`, so a gray sample is itself), is above 127.
 * Alpha is ignored; a palette is looked up.
 *
 * @throws {@link TrainDataError} `TRAIN_DATA_MASK_INVALID` for a 16-bit mask
 */
export function maskFromRaster(raster: RasterImage, what = 'the mask'): BinaryMask {
  checkRasterImage(raster, what);
  if (bitDepthOf(raster) !== 8) throw new TrainDataError('TRAIN_DATA_MASK_INVALID', `${what} has 16-bit samples; save masks as 8-bit images (a sample > 127 is foreground).`);
  const rgb = toRgb(raster).data;
  const data = new Uint8Array(raster.width * raster.height);
  for (let i = 0, s = 0; i < data.length; i++, s += 3) {
    data[i] = (19595 * rgb[s]! + 38470 * rgb[s + 1]! + 7471 * rgb[s + 2]! + 32768) >>> 16 > 127 ? 1 : 0;
  }
  return { width: raster.width, height: raster.height, data };
}

async function readImage(files: FileSet, name: string, decodeImage: DecodeImage, maxBytes: number): Promise<RasterImage> {
  const problems = new ProblemList();
  const bytes = await readDatasetFile(files, name, maxBytes, problems);
  problems.throwIfAny(files.location);
  return decodeImage(bytes!, name);
}

/**
 * Reads and decodes an item's image (and its prompt image), and its mask: the folder layout's mask file through
 * {@link maskFromRaster}, or a COCO item's mask drawn by {@link cocoItemMask}.
 *
 * @throws {@link TrainDataError} `TRAIN_DATA_MASK_INVALID` when the mask's size differs from the image's (for COCO,
 *   when the decoded image's size differs from the annotations' `width` and `height`), `TRAIN_DATA_INVALID` when a
 *   file is missing or too large; whatever `decodeImage` throws
 */
export async function loadDatasetItem(files: FileSet, item: DatasetItem, decodeImage: DecodeImage, options: LoadItemOptions = {}): Promise<LoadedItem> {
  const maxBytes = options.maxImageBytes ?? MAX_DATASET_IMAGE_BYTES;
  const image = await readImage(files, item.image, decodeImage, maxBytes);
  checkRasterImage(image, item.image);
  let mask: BinaryMask;
  if (item.source === 'folder') {
    mask = maskFromRaster(await readImage(files, item.mask, decodeImage, maxBytes), item.mask);
    if (mask.width !== image.width || mask.height !== image.height) {
      throw new TrainDataError('TRAIN_DATA_MASK_INVALID', `${item.mask} is ${mask.width} × ${mask.height} but its image ${item.image} is ${image.width} × ${image.height}; a mask must have its image's size.`, {
        details: { image: item.image, mask: item.mask },
      });
    }
  } else {
    if (item.width !== image.width || item.height !== image.height) {
      throw new TrainDataError('TRAIN_DATA_MASK_INVALID', `${item.image} decodes to ${image.width} × ${image.height} but the annotations say ${item.width} × ${item.height}; fix its width and height in the annotations file.`, {
        details: { image: item.image },
      });
    }
    mask = cocoItemMask(item);
  }
  const promptImage = item.prompt.kind === 'image' ? await readImage(files, item.prompt.image, decodeImage, maxBytes) : undefined;
  return promptImage === undefined ? { image, mask } : { image, mask, promptImage };
}

/**
 * Decodes every item once and lists every problem: masks of another size than their image, COCO images whose
 * size differs from the annotations', 16-bit masks, files the decoder refuses. Slow (it decodes the whole
 * dataset): an up-front check for datasets whose sizes cannot be known otherwise.
 *
 * @throws {@link TrainDataError} `TRAIN_DATA_INVALID` listing every problem
 */
export async function checkDatasetImages(files: FileSet, items: readonly DatasetItem[], decodeImage: DecodeImage, options: LoadItemOptions = {}): Promise<void> {
  const problems = new ProblemList();
  for (const item of items) {
    try {
      await loadDatasetItem(files, item, decodeImage, options);
    } catch (error) {
      const listed = (error as { details?: { problems?: { file: string; message: string }[] } }).details?.problems;
      if (listed !== undefined) for (const p of listed) problems.add(p.file, p.message);
      else problems.add(item.source === 'folder' ? item.mask : item.image, error instanceof Error ? error.message : String(error));
    }
  }
  problems.throwIfAny(files.location);
}

/**
 * The prompt of a training item: a text, or an example image (a FileSet name of the dataset) whose CLIP embedding
 * conditions the decoder instead of a text's.
 */
export type DatasetPrompt = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'image'; readonly image: string };

/** One (image, prompt, target mask) example of the folder layout; files are named, not decoded. */
export interface FolderDatasetItem {
  /** Which reader produced the item. */
  readonly source: 'folder';
  /** The image, a FileSet name (`images/cat.jpg`). */
  readonly image: string;
  /** The target mask, a FileSet name of an 8-bit PNG (`masks/cat.cat.png`); a sample > 127 is foreground. */
  readonly mask: string;
  /** The prompt. */
  readonly prompt: DatasetPrompt;
}

/** One piece of a COCO `segmentation`, validated: a polygon, or a run-length encoding. */
export type CocoSegment =
  | { readonly kind: 'polygon'; readonly points: readonly number[] }
  | { readonly kind: 'rle'; readonly counts: readonly number[] };

/**
 * One (image, prompt) example of a COCO dataset: the union of the instances with that prompt in the image (all of
 * one category's instances, with prompts from category names). The mask is rasterized on demand ({@link cocoItemMask}), so reading a large dataset stores no pixels.
 */
export interface CocoDatasetItem {
  /** Which reader produced the item. */
  readonly source: 'coco';
  /** The image, a FileSet name (the image's `file_name` under the reader's `imagesFolder`). */
  readonly image: string;
  /** COCO's image id. */
  readonly imageId: number;
  /** Image width, from the annotations. */
  readonly width: number;
  /** Image height, from the annotations. */
  readonly height: number;
  /** COCO's category ids of the instances drawn (one, unless the prompt comes from an annotation field). */
  readonly categoryIds: readonly number[];
  /** The prompt (the category's name by default). */
  readonly prompt: DatasetPrompt;
  /** The instances' segments, all drawn into the item's mask. */
  readonly segments: readonly CocoSegment[];
}

/** A training item of either reader. */
export type DatasetItem = FolderDatasetItem | CocoDatasetItem;

import { CLIPSegError } from '@clipseg/core';

/**
 * Error codes of image decoding and encoding in Node: `IMAGE_NOT_FOUND` (no such file), `IMAGE_NOT_A_FILE` (a
 * directory, FIFO, device …), `IMAGE_UNREADABLE` (not an image, corrupt, or a variant Pillow does not read either),
 * `IMAGE_EMPTY` (no pixels), `IMAGE_TOO_LARGE` (over the pixel or byte limit), `IMAGE_ENCODE_FAILED`.
 */
export type ImageErrorCode = 'IMAGE_NOT_FOUND' | 'IMAGE_NOT_A_FILE' | 'IMAGE_UNREADABLE' | 'IMAGE_EMPTY' | 'IMAGE_TOO_LARGE' | 'IMAGE_ENCODE_FAILED';

/** An image file is missing, not an image, empty, or over the pixel limit. */
export class ImageError extends CLIPSegError<ImageErrorCode> {}

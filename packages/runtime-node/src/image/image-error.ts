import { ClipSegError } from '@clipseg/core';

/** Error codes of image decoding and encoding in Node. */
export type ImageErrorCode = 'IMAGE_NOT_FOUND' | 'IMAGE_UNREADABLE' | 'IMAGE_EMPTY' | 'IMAGE_TOO_LARGE' | 'IMAGE_ENCODE_FAILED';

/** An image file is missing, not an image, empty, or over the pixel limit. */
export class ImageError extends ClipSegError<ImageErrorCode> {}

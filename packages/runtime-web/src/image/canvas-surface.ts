import { WebImageError } from './web-image-error.js';

/** A 2D drawing surface: an `OffscreenCanvas` (pages and workers) or, failing that, a `<canvas>`. @internal */
export interface Surface {
  readonly canvas: OffscreenCanvas | HTMLCanvasElement;
  readonly context: OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D;
}

/** Creates a {@link Surface} of the given size, set up for reading pixels back. @internal */
export function createSurface(width: number, height: number): Surface {
  const scope = globalThis as { OffscreenCanvas?: typeof OffscreenCanvas; document?: Document };
  let canvas: OffscreenCanvas | HTMLCanvasElement;
  if (scope.OffscreenCanvas !== undefined) canvas = new scope.OffscreenCanvas(width, height);
  else if (scope.document !== undefined) {
    canvas = scope.document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
  } else {
    throw new WebImageError('WEB_IMAGE_NO_CANVAS', 'Neither OffscreenCanvas nor a document is available to draw images on; decode images in a page or a worker of a browser that has OffscreenCanvas.');
  }
  const context = canvas.getContext('2d', { willReadFrequently: true, colorSpace: 'srgb' }) as OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | null;
  if (context === null) throw new WebImageError('WEB_IMAGE_NO_CANVAS', 'The browser refused a 2D canvas context (too large, or out of memory).');
  return { canvas, context };
}

import { applyExifOrientation, checkRasterImage, type RasterImage } from '@clipseg/processor';
import { fetchBytes, type FetchBytesOptions } from '../loading/fetch-bytes.js';
import { WebLoadError } from '../errors/web-load-error.js';
import { decodeBuiltIn, isBuiltInFormat } from './built-in-decode.js';
import { createSurface } from './canvas-surface.js';
import { inverseOrientation, jpegExifOrientation } from './exif-orientation.js';
import { WebImageError } from './web-image-error.js';

/**
 * What {@link decodeImage} takes: encoded bytes (`Blob`/`File`, `ArrayBuffer`, `Uint8Array`), a URL, or something
 * already decoded (`HTMLImageElement`, `ImageBitmap`, `HTMLCanvasElement`, `OffscreenCanvas`, `ImageData`,
 * `VideoFrame`).
 */
export type WebImageSource =
  | Blob
  | ArrayBuffer
  | Uint8Array
  | string
  | URL
  | ImageBitmap
  | ImageData
  | HTMLImageElement
  | HTMLCanvasElement
  | OffscreenCanvas
  | VideoFrame;

/** Options of {@link decodeImage}. */
export interface WebDecodeImageOptions extends Pick<FetchBytesOptions, 'fetch' | 'init' | 'signal'> {
  /** Refuse images with more pixels than this. Default 100 MP. */
  readonly maxPixels?: number;
  /**
   * Keep the EXIF orientation the browser applies to JPEGs. Default false: like HF's processor (and the Node
   * runtime), pixels are used as stored, so the browser's rotation is undone.
   */
  readonly applyExifOrientation?: boolean;
}

const DEFAULT_MAX_PIXELS = 100_000_000;

const has = <T>(name: string): T | undefined => (globalThis as Record<string, unknown>)[name] as T | undefined;
const isInstance = (value: unknown, name: string): boolean => {
  const ctor = has<abstract new (...args: never[]) => unknown>(name);
  return typeof ctor === 'function' && value instanceof ctor;
};

function checkSize(width: number, height: number, maxPixels: number, what: string): void {
  if (width === 0 || height === 0) throw new WebImageError('WEB_IMAGE_EMPTY', `${what} has no pixels (${width}×${height}).`);
  if (width * height > maxPixels) {
    throw new WebImageError('WEB_IMAGE_TOO_LARGE', `${what} is ${width}×${height} = ${((width * height) / 1e6).toFixed(1)} MP, over the ${(maxPixels / 1e6).toFixed(1)} MP limit; downscale it or raise maxPixels.`, {
      details: { width, height, maxPixels },
    });
  }
}

/** RGBA samples → a RasterImage: RGB when every pixel is opaque, RGBA otherwise (as stored, alpha not applied). */
function fromRgba(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): RasterImage {
  const n = width * height;
  let opaque = true;
  for (let i = 3; i < rgba.length; i += 4) {
    if (rgba[i] !== 255) {
      opaque = false;
      break;
    }
  }
  if (!opaque) return { width, height, channels: 4, data: new Uint8Array(rgba.buffer.slice(rgba.byteOffset, rgba.byteOffset + rgba.byteLength)) };
  const rgb = new Uint8Array(n * 3);
  for (let i = 0, j = 0; i < n; i++, j += 4) {
    rgb[i * 3] = rgba[j]!;
    rgb[i * 3 + 1] = rgba[j + 1]!;
    rgb[i * 3 + 2] = rgba[j + 2]!;
  }
  return { width, height, channels: 3, data: rgb };
}

function readPixels(source: CanvasImageSource, width: number, height: number, what: string): RasterImage {
  const { context } = createSurface(width, height);
  context.drawImage(source, 0, 0);
  let data: ImageData;
  try {
    data = context.getImageData(0, 0, width, height, { colorSpace: 'srgb' });
  } catch (error) {
    throw new WebImageError('WEB_IMAGE_TAINTED', `The pixels of ${what} cannot be read: it is a cross-origin image served without CORS. Load it with crossOrigin="anonymous" from a server that sends Access-Control-Allow-Origin, or pass the file's bytes.`, {
      cause: error,
    });
  }
  return fromRgba(data.data, width, height);
}

async function decodeBytes(blob: Blob, bytes: Uint8Array | undefined, what: string, options: WebDecodeImageOptions): Promise<RasterImage> {
  if (blob.size === 0) throw new WebImageError('WEB_IMAGE_EMPTY', `${what} is empty (0 bytes), not an image.`);
  if (isBuiltInFormat(bytes ?? new Uint8Array(await blob.slice(0, 8).arrayBuffer()))) {
    const image = await decodeBuiltIn(bytes ?? new Uint8Array(await blob.arrayBuffer()), what, options.maxPixels ?? DEFAULT_MAX_PIXELS);
    checkRasterImage(image);
    // As for canvas reads: an 8-bit RGBA image that is opaque everywhere comes back RGB.
    return image.channels === 4 && image.data instanceof Uint8Array ? fromRgba(image.data, image.width, image.height) : image;
  }
  let bitmap: ImageBitmap;
  try {
    // No colour management and no premultiplication: the stored samples, as Pillow reads them.
    bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch (error) {
    throw new WebImageError('WEB_IMAGE_UNREADABLE', `${what} is not an image this browser can decode (${error instanceof Error ? error.message : String(error)}). Use PNG, JPEG, WebP, GIF or BMP.`, {
      cause: error,
    });
  }
  try {
    checkSize(bitmap.width, bitmap.height, options.maxPixels ?? DEFAULT_MAX_PIXELS, what);
    const image = readPixels(bitmap, bitmap.width, bitmap.height, what);
    if (options.applyExifOrientation) return image;
    // Browsers apply a JPEG's EXIF orientation when decoding; HF's processor does not, so undo it.
    const head = bytes ?? new Uint8Array(await blob.slice(0, 128 * 1024).arrayBuffer());
    const orientation = jpegExifOrientation(head);
    return orientation === 1 ? image : applyExifOrientation(image, inverseOrientation(orientation));
  } finally {
    bitmap.close();
  }
}

/**
 * Decodes an image in the browser into the {@link RasterImage} that `@clipseg/processor` and the pipeline take,
 * so that `toRgb` of it is Pillow 9.4's `Image.open(p).convert('RGB')`, as HF's processor sees it. PNG, GIF and
 * BMP bytes go through `@clipseg/processor`'s Pillow-exact decoders (16-bit samples kept, alpha not premultiplied,
 * GIF transparency keeping its palette colour); other encoded images (JPEG, WebP, AVIF) through
 * `createImageBitmap` with colour management and premultiplication off, so embedded ICC profiles are ignored as
 * Pillow ignores them (see the README for the residual differences: CMYK JPEGs, WebP with alpha). Already decoded
 * sources (`<img>`, canvases, `ImageData` …) are read as the browser has them. Opaque canvas reads come back RGB,
 * others RGBA (alpha not applied, as Pillow's `convert('RGB')` ignores it). Works in pages and workers.
 *
 * @example
 * ```ts
 * const photo = await decodeImage(input.files[0]);
 * const result = await seg.segmentImage(photo, 'a cat');
 * ```
 * @throws {@link WebImageError} `WEB_IMAGE_UNREADABLE`, `WEB_IMAGE_EMPTY`, `WEB_IMAGE_TOO_LARGE`,
 *   `WEB_IMAGE_TAINTED`, `WEB_IMAGE_UNSUPPORTED`; {@link WebLoadError} for URLs that cannot be fetched
 */
export async function decodeImage(source: WebImageSource, options: WebDecodeImageOptions = {}): Promise<RasterImage> {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (typeof source === 'string' || source instanceof URL) {
    const url = new URL(String(source), has<{ href: string }>('location')?.href).href;
    const outcome = await fetchBytes(url, options);
    if ('missing' in outcome) throw new WebLoadError('WEB_NOT_FOUND', `${url} answered HTTP ${outcome.missing}: there is no image there.`, { details: { url, status: outcome.missing } });
    return decodeBytes(new Blob([outcome.bytes as Uint8Array<ArrayBuffer>]), outcome.bytes, url, options);
  }
  if (source instanceof Uint8Array || source instanceof ArrayBuffer) {
    const bytes = source instanceof Uint8Array ? source : new Uint8Array(source);
    return decodeBytes(new Blob([bytes as Uint8Array<ArrayBuffer>]), bytes, 'the image data', options);
  }
  if (isInstance(source, 'Blob')) return decodeBytes(source as Blob, undefined, (source as File).name ?? 'the image blob', options);
  if (isInstance(source, 'ImageData')) {
    const data = source as ImageData;
    checkSize(data.width, data.height, maxPixels, 'the ImageData');
    const image = fromRgba(data.data, data.width, data.height);
    checkRasterImage(image);
    return image;
  }
  if (isInstance(source, 'HTMLImageElement')) {
    const img = source as HTMLImageElement;
    if (!img.complete || img.naturalWidth === 0) {
      try {
        await img.decode();
      } catch (error) {
        throw new WebImageError('WEB_IMAGE_UNREADABLE', `The <img> ${img.currentSrc || img.src} could not be decoded.`, { cause: error });
      }
    }
    checkSize(img.naturalWidth, img.naturalHeight, maxPixels, 'the <img>');
    return readPixels(img, img.naturalWidth, img.naturalHeight, `the <img> ${img.currentSrc || img.src}`);
  }
  if (isInstance(source, 'VideoFrame')) {
    const frame = source as VideoFrame;
    checkSize(frame.displayWidth, frame.displayHeight, maxPixels, 'the VideoFrame');
    return readPixels(frame, frame.displayWidth, frame.displayHeight, 'the VideoFrame');
  }
  if (isInstance(source, 'ImageBitmap') || isInstance(source, 'HTMLCanvasElement') || isInstance(source, 'OffscreenCanvas')) {
    const drawable = source as ImageBitmap | HTMLCanvasElement | OffscreenCanvas;
    checkSize(drawable.width, drawable.height, maxPixels, 'the image');
    return readPixels(drawable, drawable.width, drawable.height, 'the image');
  }
  throw new WebImageError(
    'WEB_IMAGE_UNSUPPORTED',
    'decodeImage takes a Blob/File, ArrayBuffer, Uint8Array, URL, ImageBitmap, ImageData, HTMLImageElement, HTMLCanvasElement, OffscreenCanvas or VideoFrame.',
  );
}

import type { Prompt } from '@clipseg/core';
import type { PromptMask, RasterImage } from '@clipseg/processor';
import type { WebImageSource } from '../image/decode-image.js';
import type { WireImage, WirePrompt } from './protocol.js';

/** An image for {@link CLIPSegWorker}: decoded pixels, or anything `decodeImage` takes. */
export type WorkerImage = RasterImage | WebImageSource;

const has = (name: string) => typeof (globalThis as Record<string, unknown>)[name] === 'function';
const is = (value: unknown, name: string) => has(name) && value instanceof ((globalThis as Record<string, unknown>)[name] as new () => unknown);

function isRaster(value: unknown): value is RasterImage {
  const r = value as RasterImage;
  return typeof value === 'object' && value !== null && typeof r.width === 'number' && typeof r.channels === 'number' && (r.data instanceof Uint8Array || r.data instanceof Uint16Array);
}

/**
 * Turns an image into what crosses to the worker, collecting buffers to transfer. The caller's own objects are
 * never detached: pixels and bytes are copied first, bitmaps re-created.
 * @internal
 */
export async function toWireImage(image: WorkerImage, transfer: Transferable[]): Promise<WireImage> {
  if (isRaster(image)) {
    const data = image.data.slice();
    transfer.push(data.buffer);
    return { raster: { ...image, data, ...(image.palette ? { palette: image.palette.slice() } : {}) } };
  }
  if (typeof image === 'string' || image instanceof URL) {
    return { source: new URL(String(image), (globalThis as { location?: { href: string } }).location?.href).href };
  }
  if (image instanceof Uint8Array || image instanceof ArrayBuffer) return { source: new Blob([(image instanceof Uint8Array ? image.slice() : image.slice(0)) as ArrayBuffer]) };
  if (is(image, 'Blob') || is(image, 'ImageData')) return { source: image as Blob | ImageData };
  // <img>, canvases, bitmaps and video frames: a fresh ImageBitmap, transferred.
  const bitmap = await createImageBitmap(image as ImageBitmapSource, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  transfer.push(bitmap);
  return { source: bitmap };
}

/** Converts prompts (their example images) for the worker. @internal */
export async function toWirePrompts(prompts: Prompt<WorkerImage, PromptMask> | readonly Prompt<WorkerImage, PromptMask>[], transfer: Transferable[]): Promise<WirePrompt | WirePrompt[]> {
  const one = async (prompt: Prompt<WorkerImage, PromptMask>): Promise<WirePrompt> => {
    if (typeof prompt !== 'object' || prompt === null) return prompt;
    if ('image' in prompt) return { ...prompt, image: await toWireImage(prompt.image, transfer) };
    if ('mix' in prompt && Array.isArray(prompt.mix)) return { mix: await Promise.all(prompt.mix.map(async (p) => ({ weight: p.weight, prompt: await one(p.prompt) }))) };
    return prompt as WirePrompt;
  };
  return Array.isArray(prompts) ? Promise.all((prompts as readonly Prompt<WorkerImage, PromptMask>[]).map(one)) : one(prompts as Prompt<WorkerImage, PromptMask>);
}

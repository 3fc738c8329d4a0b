import type { RasterImage } from '@clipseg/processor';
import { decodeImage } from '@clipseg/runtime-web';
import { PlaygroundError } from '../errors/playground-error.js';
import { EXAMPLE_SCENE_SOURCE, exampleSceneImage } from './example-scene.js';

/** Largest image the playground decodes (pixels); bigger ones are refused with `WEB_IMAGE_TOO_LARGE`. */
export const MAX_IMAGE_PIXELS = 40_000_000;

/**
 * The editor's image service: `example:scene` is the procedurally drawn example (drawn once), anything else a URL or
 * a `data:` URL decoded by the browser (`decodeImage`). Decoded images are kept by source, so an unchanged source
 * is the same image object run after run (its encode is reused).
 */
export function createImageLoader(): (source: string) => Promise<RasterImage> {
  const cache = new Map<string, Promise<RasterImage>>();
  return (source) => {
    const key = source.trim();
    if (key === '') {
      return Promise.reject(
        new PlaygroundError('PLAYGROUND_IMAGE_MISSING', 'No image yet: drop an image onto the page, choose one in the Image panel, or use the example scene.'),
      );
    }
    let loading = cache.get(key);
    if (loading === undefined) {
      loading = key === EXAMPLE_SCENE_SOURCE ? exampleSceneImage() : decodeImage(key, { maxPixels: MAX_IMAGE_PIXELS });
      cache.set(key, loading);
      loading.catch(() => cache.delete(key));
      // keep only the few latest images: dropped files are large data: URLs
      while (cache.size > 4) cache.delete(cache.keys().next().value!);
    }
    return loading;
  };
}

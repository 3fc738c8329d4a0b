import { CLIPSeg, memoryFileSet } from '@clipseg/core';
import { createFakeBackend, createFakeBundle, type FakeBackendOptions } from '@clipseg/core/testing';
import { rasterImageAdapter, type PromptMask, type RasterImage } from '@clipseg/processor';
import type { WorkflowPipeline, WorkflowServices } from '../src/engine/index.js';

/** An RGB image whose red channel rises left to right and green top to bottom. */
export function gradientImage(width: number, height: number, blue = 0): RasterImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      data[o] = Math.round((255 * x) / Math.max(1, width - 1));
      data[o + 1] = Math.round((255 * y) / Math.max(1, height - 1));
      data[o + 2] = blue;
    }
  }
  return { width, height, channels: 3, data };
}

/** A fake-bundle pipeline plus services that load images by name from `images`. */
export async function fakeServices(options: { images?: Record<string, RasterImage>; backend?: FakeBackendOptions } = {}) {
  const bundle = createFakeBundle();
  const backend = createFakeBackend(options.backend);
  const seg: WorkflowPipeline = await CLIPSeg.load<RasterImage, PromptMask>(memoryFileSet(bundle.files), backend, { images: rasterImageAdapter });
  const images: Record<string, RasterImage> = options.images ?? { 'a.png': gradientImage(24, 16), 'b.png': gradientImage(12, 12, 200) };
  const loads: string[] = [];
  const services: WorkflowServices = {
    bundles: ['default'],
    pipeline: () => seg,
    loadImage(source) {
      loads.push(source);
      const image = images[source];
      if (image === undefined) throw new Error(`no test image '${source}'`);
      return image;
    },
  };
  return { seg, backend, bundle, services, loads };
}

/**
 * Measures a demo checkpoint on generated scenes it never saw: mean IoU of object prompts at threshold 0.5, and the
 * share of negative prompts whose mask covers under 1 % of the image.
 */
import { CLIPSeg, memoryFileSet } from '@clipseg/core';
import { convertCheckpoint } from '@clipseg/convert';
import { rasterImageAdapter, type PromptMask, type RasterImage } from '@clipseg/processor';
import type { Backend } from '@clipseg/core';
import { maskIoU, syntheticDataset } from '@clipseg/train';
import { DEMO_SIDE } from './demo-recipe.js';

/** What {@link evaluateDemo} measures. */
export interface DemoQuality {
  readonly meanIoU: number;
  readonly positives: number;
  readonly negativesUnder1Percent: number;
  readonly negatives: number;
}

/** Segments `count` unseen scenes (seed `seed`) with the checkpoint `files`, one prompt each. */
export async function evaluateDemo(backend: Backend, files: Record<string, Uint8Array>, seed: number, count: number, scene: { readonly objectScale: number; readonly maxObjects: number }): Promise<DemoQuality> {
  const bundle = await convertCheckpoint(memoryFileSet(files, 'demo checkpoint'));
  const seg = await CLIPSeg.load<RasterImage, PromptMask>(memoryFileSet(Object.fromEntries(bundle.files), 'demo bundle'), backend, { images: rasterImageAdapter });
  let iouSum = 0;
  let positives = 0;
  let negatives = 0;
  let quiet = 0;
  try {
    for (const item of syntheticDataset(seed, count, { width: DEMO_SIDE, negativeRate: 0.25, ...scene })) {
      const result = await seg.segmentImage(item.image, item.prompt);
      const logits = result.logits.data;
      let on = 0;
      for (const v of logits) if (v > 0) on++;
      if (item.negative) {
        negatives++;
        if (on < 0.01 * item.mask.data.length) quiet++;
      } else {
        positives++;
        iouSum += maskIoU(logits, item.mask.data);
      }
    }
  } finally {
    await seg.dispose();
  }
  return { meanIoU: iouSum / Math.max(positives, 1), positives, negativesUnder1Percent: quiet / Math.max(negatives, 1), negatives };
}

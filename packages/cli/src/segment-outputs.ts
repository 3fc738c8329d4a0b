import type { SegmentationResult } from '@clipseg/core';
import {
  applyNegativeMasks,
  logitsToMasks,
  maskToGray,
  maskToPolygons,
  maskToRle,
  overlayHeatmap,
  overlayMask,
  thresholdMask,
  toRgb,
  type RasterImage,
  type SoftMask,
} from '@clipseg/processor';
import { encodePng } from '@clipseg/runtime-node';
import type { LabelledPrompt } from './prompt-args.js';

/** Output kinds of `clipseg segment --format`. */
export const SEGMENT_FORMATS = ['png', 'overlay', 'heatmap', 'json'] as const;
/** One of {@link SEGMENT_FORMATS}. */
export type SegmentFormat = (typeof SEGMENT_FORMATS)[number];

/** Per-prompt numbers reported in JSON output and `--json`. */
export interface PromptReport {
  readonly index: number;
  readonly label: string;
  readonly kind: LabelledPrompt['kind'];
  readonly text?: string;
  /** Fraction of pixels above the threshold. */
  readonly coverage: number;
  readonly meanProbability: number;
  readonly maxProbability: number;
  readonly files: string[];
}

/** What one image produced: files to write (name → bytes) and per-prompt reports. */
export interface ImageOutputs {
  readonly files: [string, Uint8Array][];
  readonly prompts: PromptReport[];
}

function stats(mask: SoftMask, threshold: number): { coverage: number; meanProbability: number; maxProbability: number } {
  let above = 0;
  let sum = 0;
  let max = 0;
  for (const p of mask.data) {
    if (p > threshold) above++;
    sum += p;
    if (p > max) max = p;
  }
  return { coverage: above / mask.data.length, meanProbability: sum / mask.data.length, maxProbability: max };
}

/**
 * Renders a segmentation of one image: probabilities resized to the image
 * (bilinear), negatives applied (mask × (1 − max negative)), thresholded, and
 * encoded in every requested format. File names are `STEM.K-LABEL.KIND.png`
 * and `STEM.json`.
 */
export async function renderImageOutputs(
  stem: string,
  image: RasterImage,
  result: SegmentationResult,
  prompts: readonly LabelledPrompt[],
  negatives: number,
  options: { formats: readonly SegmentFormat[]; threshold: number },
): Promise<ImageOutputs> {
  const size = { width: image.width, height: image.height };
  const all = logitsToMasks(result.logits, { size });
  const negativeMasks = all.slice(prompts.length, prompts.length + negatives);
  const masks = all.slice(0, prompts.length).map((m) => (negativeMasks.length > 0 ? applyNegativeMasks(m, negativeMasks) : m));
  const rgb = options.formats.some((f) => f === 'overlay' || f === 'heatmap') ? toRgb(image) : undefined;
  const files: [string, Uint8Array][] = [];
  const reports: PromptReport[] = [];
  for (const [k, mask] of masks.entries()) {
    const p = prompts[k]!;
    const binary = thresholdMask(mask, options.threshold);
    const base = `${stem}.${k}-${p.label}`;
    const names: string[] = [];
    const add = async (kind: string, bytes: Promise<Uint8Array>) => {
      const name = `${base}.${kind}.png`;
      files.push([name, await bytes]);
      names.push(name);
    };
    if (options.formats.includes('png')) await add('mask', encodePng(maskToGray(binary)));
    if (options.formats.includes('overlay')) await add('overlay', encodePng(overlayMask(rgb!, binary)));
    if (options.formats.includes('heatmap')) await add('heatmap', encodePng(overlayHeatmap(rgb!, mask)));
    reports.push({ index: k, label: p.label, kind: p.kind, ...(typeof p.prompt === 'string' ? { text: p.prompt } : {}), ...stats(mask, options.threshold), files: names });
  }
  if (options.formats.includes('json')) {
    const json = {
      image: { width: image.width, height: image.height },
      threshold: options.threshold,
      prompts: masks.map((mask, k) => {
        const binary = thresholdMask(mask, options.threshold);
        const { files: _files, ...report } = reports[k]!;
        return { ...report, rle: maskToRle(binary), polygons: maskToPolygons(binary, { tolerance: 1 }) };
      }),
    };
    const name = `${stem}.json`;
    files.push([name, new TextEncoder().encode(`${JSON.stringify(json)}\n`)]);
    for (const r of reports) r.files.push(name);
  }
  return { files, prompts: reports };
}

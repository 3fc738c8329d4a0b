/**
 * `node --conditions=clipseg-source --import tsx scripts/diagnose-demo.ts DIR`: where a demo checkpoint (an HF
 * checkpoint folder, e.g. what `pnpm train:demo --out DIR` wrote) fails, on 300 unseen scenes: mean IoU of object
 * prompts by the number of objects in the scene and by what the prompt says (colour, size, place, a generic noun),
 * how many negatives stay under 1 % of the image, and how alike a few prompts' conditional embeddings are.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CLIPSeg, memoryFileSet } from '@clipseg/core';
import { convertCheckpoint } from '@clipseg/convert';
import { rasterImageAdapter, type PromptMask, type RasterImage } from '@clipseg/processor';
import { createNodeBackend } from '@clipseg/runtime-node';
import { maskIoU, syntheticDataset } from '@clipseg/train';
import { DEMO_SCENE_OPTIONS, DEMO_TEST_SEED } from './demo-recipe.js';

const dir = resolve(process.argv[2] ?? new URL('../model', import.meta.url).pathname);
const files = Object.fromEntries(readdirSync(dir).filter((n) => n !== 'training.json' && !n.startsWith('.')).map((n) => [n, readFileSync(join(dir, n))]));
const bundle = await convertCheckpoint(memoryFileSet(files, dir));
const seg = await CLIPSeg.load<RasterImage, PromptMask>(memoryFileSet(Object.fromEntries(bundle.files), 'bundle'), createNodeBackend(), { images: rasterImageAdapter });
const groups = new Map<string, number[]>();
const add = (key: string, iou: number) => groups.set(key, [...(groups.get(key) ?? []), iou]);
let negatives = 0;
let quiet = 0;
for (const item of syntheticDataset(DEMO_TEST_SEED + 1, 300, { ...DEMO_SCENE_OPTIONS, negativeRate: 0.25 })) {
  const logits = (await seg.segmentImage(item.image, item.prompt)).logits.data;
  let on = 0;
  for (const v of logits) if (v > 0) on++;
  if (item.negative) {
    negatives++;
    if (on < 0.01 * item.mask.data.length) quiet++;
    continue;
  }
  const iou = maskIoU(logits, item.mask.data);
  const d = item.description;
  add('all', iou);
  add(`${item.objects.length} object(s) in the scene`, iou);
  add(d.colour === undefined ? 'no colour said' : 'colour said', iou);
  add(d.size === undefined ? 'no size said' : 'size said', iou);
  add(d.column === undefined && d.row === undefined && d.centre !== true ? 'no place said' : 'place said', iou);
  add(d.noun === 'thing' || d.noun === 'shape' ? `generic noun (${d.noun})` : 'a kind named', iou);
}
// Do prompts get distinct conditional embeddings? (A collapsed text tower gives cosines near ±1.)
const probes = ['a red ball', 'a blue car', 'the house', 'the small green star on the left', 'a tree'];
const embeddings = (await seg.embed(probes)).data;
const width = seg.config.projection_dim;
const row = (i: number) => Array.from(embeddings.subarray(i * width, (i + 1) * width));
const cosine = (a: number[], b: number[]) => a.reduce((sum, x, k) => sum + x * b[k]!, 0) / Math.hypot(...a) / Math.hypot(...b);
for (let i = 1; i < probes.length; i++) console.log(`cosine("${probes[0]}", "${probes[i]}") = ${cosine(row(0), row(i)).toFixed(3)}`);
await seg.dispose();
for (const [key, values] of [...groups].sort()) console.log(`${key.padEnd(28)} mIoU ${(values.reduce((a, b) => a + b, 0) / values.length).toFixed(3)}  (${values.length})`);
console.log(`negatives under 1 % of the image: ${quiet} of ${negatives}`);

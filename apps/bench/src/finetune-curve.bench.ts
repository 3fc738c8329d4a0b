/**
 * `pnpm --filter @clipseg/bench bench:finetune-curve`: the learning curve of decoder fine-tuning
 * (`@clipseg/train`'s prepareFinetuneData + finetuneDecoder) on a generated task, and what encoding each image once
 * saves against running the vision tower in every step.
 *
 * Task: scenes of `@clipseg/train`'s generator with one red object each on a plain background, prompt "the object",
 * target its mask. Model: a
 * random tiny CLIPSeg at 128 × 128 (nothing to know: the decoder must learn to find objects in random CLIP
 * features), or `--model DIR` (any HF checkpoint folder).
 *
 * Options: --train N (96) --validation N (16) --epochs N (60) --batch-size N (8) --lr X (3e-2) --final-lr X (3e-3)
 * --threads N (2) --model DIR --json FILE
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CLIPSeg, memoryFileSet } from '@clipseg/core';
import { CIDAS_PREPROCESSOR_CONFIG, convertCheckpoint, initRandomCheckpoint, openCheckpoint, randomCheckpointFiles } from '@clipseg/convert';
import { rasterImageAdapter, type PromptMask, type RasterImage } from '@clipseg/processor';
import { createNodeBackend } from '@clipseg/runtime-node';
import { finetuneDecoder, prepareFinetuneData, syntheticDataset, type FolderDatasetItem } from '@clipseg/train';

const { values } = parseArgs({
  options: Object.fromEntries(['train', 'validation', 'epochs', 'batch-size', 'lr', 'final-lr', 'threads', 'model', 'json', 'side'].map((n) => [n, { type: 'string' }])) as Record<string, { type: 'string' }>,
});
const num = (name: string, fallback: number) => (values[name] === undefined ? fallback : Number(values[name]));
const side = num('side', 128);
const threads = num('threads', 2);

function checkpointFiles(): Record<string, Uint8Array> {
  if (values.model !== undefined) {
    const dir = resolve(values.model);
    return Object.fromEntries(readdirSync(dir).filter((n) => !n.startsWith('.') && n !== 'bundle').map((n) => [n, readFileSync(join(dir, n))]));
  }
  const files = randomCheckpointFiles(initRandomCheckpoint('tiny', { seed: 0 }));
  return { ...files, 'preprocessor_config.json': new TextEncoder().encode(JSON.stringify({ ...CIDAS_PREPROCESSOR_CONFIG, size: { height: side, width: side } })) };
}

function task(seed: number, count: number, prefix: string) {
  const rasters = new Map<string, RasterImage>();
  const items: FolderDatasetItem[] = [];
  for (const item of syntheticDataset(seed, count, { width: side, minObjects: 1, maxObjects: 1, objectScale: 1.3, negativeRate: 0, backgrounds: ['plain'], colours: ['red'] })) {
    const image = `${prefix}/${item.index}.png`;
    const mask = `${prefix}/${item.index}.mask.png`;
    rasters.set(image, item.image);
    rasters.set(mask, { width: side, height: side, channels: 1, data: item.mask.data.map((v) => v * 255) } as RasterImage);
    items.push({ source: 'folder', image, mask, prompt: { kind: 'text', text: 'the object' } });
  }
  return { items, rasters };
}

const backend = createNodeBackend();
const session = { intraOpNumThreads: threads, interOpNumThreads: 1 };
const files = checkpointFiles();
const bundle = await convertCheckpoint(memoryFileSet(files, 'model'));
const pipeline = await CLIPSeg.load<RasterImage, PromptMask>(memoryFileSet(Object.fromEntries(bundle.files), 'bundle'), backend, { images: rasterImageAdapter, sessionOptions: session });
const train = task(1, num('train', 96), 'train');
const validation = task(2, num('validation', 16), 'validation');
const rasters = new Map([...train.rasters, ...validation.rasters]);
const fileSet = memoryFileSet(Object.fromEntries([...rasters.keys()].map((name) => [name, new Uint8Array(1)])), 'task');

const t0 = performance.now();
const data = await prepareFinetuneData(pipeline, { files: fileSet, train: train.items, validation: validation.items, decodeImage: (_bytes, name) => rasters.get(name)! });
const encodeMs = performance.now() - t0;
const images = data.activations.size;
const { reader } = await openCheckpoint(memoryFileSet(files, 'model'));
const options = { epochs: num('epochs', 60), batchSize: num('batch-size', 8), learningRate: num('lr', 3e-2), finalLearningRate: num('final-lr', 3e-3), negativeRate: 0, seed: 0 };
const epochTimes: number[] = [];
let last = performance.now();
const t1 = performance.now();
const result = await finetuneDecoder({
  backend,
  config: pipeline.config,
  data,
  initialParameters: (name) => reader.readFloat32(name),
  options,
  session,
  onEvent: (e) => {
    if (e.type !== 'epoch' || e.record.epoch === 0) return;
    const now = performance.now();
    epochTimes.push(now - last);
    last = now;
  },
});
const trainMs = performance.now() - t1;
const visionMsPerImage = encodeMs / images;
const epochs = options.epochs;
const trainImages = new Set(data.train.map((e) => e.image)).size;
console.log(`decoder fine-tuning learning curve: ${data.train.length} training and ${data.validation.length} validation examples at ${side} px, ${threads} threads`);
console.log('epoch  train loss  validation IoU  validation loss');
for (const r of result.history) console.log(`${String(r.epoch).padStart(5)}  ${(r.trainLoss ?? NaN).toFixed(4).padStart(10)}  ${(r.validationIoU ?? NaN).toFixed(3).padStart(14)}  ${(r.validationLoss ?? NaN).toFixed(4).padStart(15)}`);
console.log(`encoding once: ${images} images in ${(encodeMs / 1000).toFixed(2)} s (${visionMsPerImage.toFixed(1)} ms each, text prompts included)`);
console.log(`training: ${epochs} epochs in ${(trainMs / 1000).toFixed(2)} s (${(trainMs / epochs / 1000).toFixed(2)} s per epoch, validation included)`);
console.log(`re-running the vision tower every step would add about ${((visionMsPerImage * trainImages) / 1000).toFixed(2)} s per epoch (${((visionMsPerImage * trainImages * epochs) / 1000).toFixed(1)} s in all)`);
if (values.json !== undefined) writeFileSync(values.json, `${JSON.stringify({ side, threads, options, examples: { train: data.train.length, validation: data.validation.length }, encodeMs, trainMs, epochMs: epochTimes, history: result.history }, null, 2)}\n`);
await reader.close();
await pipeline.dispose();

// Prepares what train-browser.bench.ts trains on, once per model, in Node: the HF config, the decoder parameters
// (HF names) and a batch of `examples` (query image, text prompt, target) with the frozen CLIP features already
// computed — the vision tower's activations and the prompts' text embeddings — so that both sides of the bench time
// the same fine-tuning steps and nothing else.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLIPSeg, createTensor, memoryFileSet, writeSafetensors, type Tensor } from '@clipseg/core';
import { openBundle } from '@clipseg/core/bundle';
import { convertCheckpoint, openCheckpoint } from '@clipseg/convert';
import { preprocess, rasterImageAdapter, type PromptMask, type RasterImage } from '@clipseg/processor';
import { createNodeBackend, decodeImage, directoryFileSet } from '@clipseg/runtime-node';
import { sha256Node } from '@clipseg/runtime-node/io';
import { buildDecoderTrainingGraph } from '@clipseg/train';
import { BENCH_PROMPTS } from './bench-stats.js';
import { TRAIN_FILES } from './train-browser-steps.js';

/** A stamp that says `out` holds a complete preparation of `checkpoint` with `examples` examples. */
const stampOf = (checkpoint: string, examples: number, images: readonly string[]) => JSON.stringify({ checkpoint, examples, images });

/** Target `i`: a disk (value 1) on a zero background, its centre and radius varying with `i`. */
function diskTarget(i: number, height: number, width: number): Float32Array {
  const out = new Float32Array(height * width);
  const cy = height * (0.3 + 0.05 * (i % 5));
  const cx = width * (0.35 + 0.04 * (i % 7));
  const r = Math.min(height, width) * (0.15 + 0.02 * (i % 4));
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if ((y + 0.5 - cy) ** 2 + (x + 0.5 - cx) ** 2 <= r * r) out[y * width + x] = 1;
  return out;
}

/**
 * Writes `out/config.json`, `out/decoder.safetensors` and `out/batch.safetensors` for the HF checkpoint folder
 * `checkpoint` (config, weights, tokenizer and preprocessor files): `examples` examples, the i-th with image
 * `images[i % images.length]`, prompt `BENCH_PROMPTS[i]` and a disk target. Skipped when a previous run left the same.
 */
export async function prepareTrainingFolder(checkpoint: string, out: string, images: readonly string[], examples: number): Promise<void> {
  const stampFile = join(out, '.ready');
  const stamp = stampOf(checkpoint, examples, images);
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return;
  if (examples > BENCH_PROMPTS.length) throw new Error(`--examples is at most ${BENCH_PROMPTS.length} (one bench prompt each)`);
  mkdirSync(out, { recursive: true });
  const converted = await convertCheckpoint(directoryFileSet(checkpoint), { sha256: sha256Node });
  const bundle = memoryFileSet(Object.fromEntries(converted.files), checkpoint);
  const opened = await openBundle(bundle);
  const { height, width } = opened.manifest.imageSize;
  const graph = await buildDecoderTrainingGraph(opened.config, { imageSize: { height, width } });
  const backend = createNodeBackend();
  const rasters: RasterImage[] = await Promise.all(images.map((file) => decodeImage(file)));
  const seg = await CLIPSeg.load<RasterImage, PromptMask>(bundle, backend, { images: rasterImageAdapter });
  const vision = await backend.createSession(converted.files.get(opened.manifest.graphs.vision_encoder.path)!);
  const { reader } = await openCheckpoint(directoryFileSet(checkpoint));
  try {
    const embeddings = (await seg.embed(BENCH_PROMPTS.slice(0, examples))).data as Float32Array;
    // One vision run per distinct image; example i reuses image i % images.length.
    const perImage: Tensor<'float32'>[][] = [];
    for (const raster of rasters) {
      const outputs = await vision.run({ pixel_values: preprocess([raster], opened.preprocessorConfig) });
      perImage.push(graph.activations.map((name) => outputs[name] as Tensor<'float32'>));
    }
    const batch: Record<string, Tensor> = {};
    graph.activations.forEach((name, k) => {
      const [, tokens, hidden] = perImage[0]![k]!.dims as [number, number, number];
      const stacked = new Float32Array(examples * tokens * hidden);
      for (let i = 0; i < examples; i++) stacked.set(perImage[i % rasters.length]![k]!.data, i * tokens * hidden);
      batch[name] = createTensor('float32', [examples, tokens, hidden], stacked);
    });
    batch['conditional_embeddings'] = createTensor('float32', [examples, graph.projectionDim], embeddings);
    const targets = new Float32Array(examples * height * width);
    for (let i = 0; i < examples; i++) targets.set(diskTarget(i, height, width), i * height * width);
    batch['target'] = createTensor('float32', [examples, height, width], targets);
    const decoder: Record<string, Tensor> = {};
    for (const { name, shape } of graph.parameters) decoder[name] = createTensor('float32', shape, await reader.readFloat32(name));
    writeFileSync(join(out, TRAIN_FILES.config), readFileSync(join(checkpoint, 'config.json')));
    writeFileSync(join(out, TRAIN_FILES.decoder), writeSafetensors(decoder));
    writeFileSync(join(out, TRAIN_FILES.batch), writeSafetensors(batch));
    writeFileSync(stampFile, stamp);
  } finally {
    await Promise.all([vision.dispose(), seg.dispose(), reader.close()]);
  }
}

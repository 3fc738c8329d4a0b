/**
 * A tiny generated fine-tuning task for tests: a random `tiny` CLIPSeg at 128 × 128 and scenes with a red square
 * and a blue disc on a grey background, prompts "red square" (and "blue circle").
 */
import { CLIPSeg, memoryFileSet, type FileSet } from '@clipseg/core';
import { CIDAS_PREPROCESSOR_CONFIG, convertCheckpoint, initRandomCheckpoint, randomCheckpointFiles, SeededRandom } from '@clipseg/convert';
import { rasterImageAdapter, type PromptMask, type RasterImage } from '@clipseg/processor';
import type { Backend } from '@clipseg/core';
import type { FolderDatasetItem } from '../src/data/dataset-item.js';

/** The side of the tiny model's input and of the scenes. */
export const TINY_SIDE = 128;

/** A random tiny checkpoint whose preprocessor resizes to 128 × 128, as HF checkpoint files. */
export function tinyCheckpointFiles(seed = 0): Record<string, Uint8Array> {
  const files = randomCheckpointFiles(initRandomCheckpoint('tiny', { seed }));
  const pre = { ...CIDAS_PREPROCESSOR_CONFIG, size: { height: TINY_SIDE, width: TINY_SIDE } };
  return { ...files, 'preprocessor_config.json': new TextEncoder().encode(JSON.stringify(pre)) };
}

/** The tiny checkpoint converted and loaded as a pipeline on `backend`. */
export async function tinyPipeline(backend: Backend, checkpoint: FileSet): Promise<CLIPSeg<RasterImage, PromptMask>> {
  const converted = await convertCheckpoint(checkpoint);
  return CLIPSeg.load<RasterImage, PromptMask>(memoryFileSet(Object.fromEntries(converted.files), 'tiny bundle'), backend, { images: rasterImageAdapter });
}

interface Scene {
  readonly image: RasterImage;
  readonly square: Uint8Array;
  readonly disc: Uint8Array;
}

function scene(rng: SeededRandom): Scene {
  const n = TINY_SIDE;
  const data = new Uint8Array(n * n * 3);
  const bg = 90 + rng.nextInt(80);
  for (let i = 0; i < n * n; i++) data.fill(bg + rng.nextInt(12), i * 3, i * 3 + 3);
  const square = new Uint8Array(n * n);
  const disc = new Uint8Array(n * n);
  const s = 36 + rng.nextInt(24);
  const sx = rng.nextInt(n - s);
  const sy = rng.nextInt(n - s);
  const r = 18 + rng.nextInt(10);
  const cx = r + rng.nextInt(n - 2 * r);
  const cy = r + rng.nextInt(n - 2 * r);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const i = y * n + x;
      if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) {
        disc[i] = 1;
        data.set([30, 40, 220], i * 3);
      } else if (x >= sx && x < sx + s && y >= sy && y < sy + s) {
        square[i] = 1;
        data.set([220, 30, 30], i * 3);
      }
    }
  }
  return { image: { width: n, height: n, channels: 3, data } as RasterImage, square, disc };
}

/**
 * `count` scenes as a dataset: items, and a decoder that maps names to rasters (the bytes are placeholders). With
 * `prompts` 1, only "red square" is asked (the blue disc stays a distractor): a random tiny CLIP's text embeddings
 * of the two prompts are close (cosine 0.87), so telling them apart takes the decoder far longer to learn.
 */
export function tinyTask(count: number, seed: number, prefix = 'scene', prompts: 1 | 2 = 2) {
  const rng = new SeededRandom(seed);
  const rasters = new Map<string, RasterImage>();
  const files: Record<string, Uint8Array> = {};
  const items: FolderDatasetItem[] = [];
  for (let k = 0; k < count; k++) {
    const { image, square, disc } = scene(rng);
    const name = `images/${prefix}-${k}.png`;
    rasters.set(name, image);
    files[name] = new Uint8Array(1);
    for (const [label, mask] of ([['red square', square], ['blue circle', disc]] as const).slice(0, prompts)) {
      const maskName = `masks/${prefix}-${k}.${label.replace(' ', '-')}.png`;
      rasters.set(maskName, { width: TINY_SIDE, height: TINY_SIDE, channels: 1, data: mask.map((v) => v * 255) } as RasterImage);
      files[maskName] = new Uint8Array(1);
      items.push({ source: 'folder', image: name, mask: maskName, prompt: { kind: 'text', text: label } });
    }
  }
  return { items, files, decodeImage: (_bytes: Uint8Array, name: string) => rasters.get(name)! };
}

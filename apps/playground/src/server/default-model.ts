import { createHash } from 'node:crypto';
import { memoryFileSet } from '@clipseg/core';
import { convertCheckpoint, initRandomCheckpoint } from '@clipseg/convert';

/** Where the app serves the built-in model, relative to its base URL (a folder: ends with `/`). */
export const DEFAULT_MODEL_PATH = 'models/default-tiny-random/';

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/**
 * Builds the playground's built-in model, offline and deterministically: a `tiny` CLIPSeg checkpoint with random
 * weights (`initRandomCheckpoint('tiny', { seed: 0 })`, synthetic tokenizer) converted to an ONNX bundle with
 * `convertCheckpoint`. About 7 MB, half a second. Its masks are not meaningful: it exists so the app works with no
 * download; users pick a real model in the Model panel.
 *
 * @returns bundle-relative path → bytes, `manifest.json` included
 */
export async function buildDefaultModel(): Promise<ReadonlyMap<string, Uint8Array>> {
  const checkpoint = initRandomCheckpoint('tiny', { seed: 0 });
  const weights = new Uint8Array(checkpoint.weightBytes);
  let offset = 0;
  for (const chunk of checkpoint.weights) {
    weights.set(chunk, offset);
    offset += chunk.byteLength;
  }
  const files = memoryFileSet({ ...checkpoint.files, 'model.safetensors': weights }, 'built-in tiny random checkpoint');
  const bundle = await convertCheckpoint(files, { sha256 });
  return bundle.files;
}

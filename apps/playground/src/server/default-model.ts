import { createHash } from 'node:crypto';
import { defaultRandomBundle } from '@clipseg/convert';

/** Where the app serves the built-in model, relative to its base URL (a folder: ends with `/`). */
export const DEFAULT_MODEL_PATH = 'models/default-tiny-random/';

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/**
 * Builds the playground's built-in model, offline and deterministically: `@clipseg/convert`'s `defaultRandomBundle()`
 * (a `tiny` CLIPSeg checkpoint with random weights, seed 0, synthetic tokenizer, converted to an ONNX bundle), the
 * same model as the `clipseg` CLI's default. About 7 MB, half a second. Its masks are not meaningful: it exists so the
 * app works with no download; users pick a real model in the Model panel.
 *
 * @returns bundle-relative path → bytes, `manifest.json` included
 */
export async function buildDefaultModel(): Promise<ReadonlyMap<string, Uint8Array>> {
  return (await defaultRandomBundle({ sha256 })).files;
}

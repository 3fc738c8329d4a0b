import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { memoryFileSet } from '@clipseg/core';
import { convertCheckpoint, initRandomCheckpoint } from '@clipseg/convert';
import { writeDirectoryAtomic } from '../io/write-directory-atomic.js';
import { sha256Node } from '../io/hash-file-node.js';
import { cacheDir } from './cache-dir.js';

/** Folder name of the default bundle inside the cache; bump the suffix when its recipe changes. */
export const DEFAULT_BUNDLE_NAME = 'default-tiny-random-v1';

/** What users are told whenever the default bundle is used. */
export const DEFAULT_BUNDLE_NOTICE =
  'Using the built-in default model: a tiny CLIPSeg with RANDOM weights, made offline. Its masks are meaningless. ' +
  'Convert a real checkpoint (clipseg convert ./clipseg-rd64-refined ./rd64.bundle) and pass --model.';

async function isBundle(dir: string): Promise<boolean> {
  return stat(join(dir, 'manifest.json')).then(
    (s) => s.isFile(),
    () => false,
  );
}

/**
 * The path of the default bundle, built on first use: a random `tiny`
 * checkpoint (seed 0, synthetic tokenizer) converted to a bundle in the cache
 * directory. Needs no network. Concurrent first uses are safe: each builds in
 * a private temporary folder and the first rename wins.
 */
export async function ensureDefaultBundle(env: Readonly<Record<string, string | undefined>> = process.env): Promise<string> {
  const dir = join(cacheDir(env), 'bundles', DEFAULT_BUNDLE_NAME);
  if (await isBundle(dir)) return dir;
  const checkpoint = initRandomCheckpoint('tiny', { seed: 0 });
  const weights = new Uint8Array(checkpoint.weightBytes);
  let offset = 0;
  for (const chunk of checkpoint.weights) {
    weights.set(chunk, offset);
    offset += chunk.byteLength;
  }
  const bundle = await convertCheckpoint(memoryFileSet({ ...checkpoint.files, 'model.safetensors': weights }, 'built-in tiny random checkpoint'), {
    sha256: sha256Node,
  });
  try {
    await writeDirectoryAtomic(dir, bundle.files.entries());
  } catch (error) {
    // Another process finished first: use its bundle.
    if (!(await isBundle(dir))) throw error;
  }
  return dir;
}

import { join } from 'node:path';
import { IoError, isClipSegError, memoryFileSet } from '@clipseg/core';
import { convertCheckpoint, initRandomCheckpoint } from '@clipseg/convert';
import { writeDirectoryAtomic } from '@clipseg/runtime-node';
import { hasBundleManifest, sha256Node } from '@clipseg/runtime-node/io';
import { cacheDir } from './cache-dir.js';

/** Folder name of the default bundle inside the cache; bump the suffix when its recipe changes. */
export const DEFAULT_BUNDLE_NAME = 'default-tiny-random-v1';

/** What users are told whenever the default bundle is used. */
export const DEFAULT_BUNDLE_NOTICE =
  'Using the built-in default model: a tiny CLIPSeg with RANDOM weights, made offline. Its masks are meaningless. ' +
  'Convert a real checkpoint (clipseg convert ./clipseg-rd64-refined ./rd64.bundle) and pass --model.';

/**
 * The path of the default bundle, built on first use: a random `tiny`
 * checkpoint (seed 0, synthetic tokenizer) converted to a bundle in the cache
 * directory. Needs no network. Concurrent first uses are safe: each builds in
 * a private temporary folder and the first rename wins. A cache folder that is
 * there without a bundle is never replaced: `IO_TARGET_EXISTS` asks to remove
 * it; one whose `manifest.json` is not a regular file is a broken bundle
 * (`BUNDLE_MANIFEST_INVALID`).
 */
export async function ensureDefaultBundle(env: Readonly<Record<string, string | undefined>> = process.env): Promise<string> {
  const dir = join(cacheDir(env), 'bundles', DEFAULT_BUNDLE_NAME);
  if (await hasBundleManifest(dir)) return dir;
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
    if (await hasBundleManifest(dir)) return dir;
    if (isClipSegError(error, 'IO_TARGET_EXISTS')) {
      throw new IoError('IO_TARGET_EXISTS', `The default model's cache folder ${dir} exists but holds no bundle; remove it and run again.`, { cause: error, details: { path: dir } });
    }
    throw error;
  }
  return dir;
}

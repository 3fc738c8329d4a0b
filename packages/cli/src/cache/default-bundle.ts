import { join } from 'node:path';
import { IoError, isCLIPSegError } from '@clipseg/core';
import { defaultRandomBundle } from '@clipseg/convert';
import { isBundleDir, writeDirectoryAtomic } from '@clipseg/runtime-node';
import { sha256Node } from '@clipseg/runtime-node/io';
import { cacheDir } from './cache-dir.js';

/** Folder name of the default bundle inside the cache; bump the suffix when `DEFAULT_RANDOM_RECIPE` (convert) changes. */
export const DEFAULT_BUNDLE_NAME = 'default-tiny-random-v1';

/** What users are told whenever the default bundle is used. */
export const DEFAULT_BUNDLE_NOTICE =
  'Using the built-in default model: a tiny CLIPSeg with RANDOM weights, made offline. Its masks are meaningless. ' +
  'For real masks, pull a trained model (clipseg pull CIDAS/clipseg-rd64-refined) and pass ' +
  '--model CIDAS/clipseg-rd64-refined, or convert a checkpoint folder (clipseg convert ./clipseg-rd64-refined ./rd64.bundle) ' +
  'and pass --model ./rd64.bundle.';

/**
 * The path of the default bundle, built on first use in the cache directory:
 * `@clipseg/convert`'s `defaultRandomBundle()` (a random `tiny` checkpoint,
 * seed 0, synthetic tokenizer; the playground's built-in model). Needs no network. Concurrent first uses are safe: each builds in
 * a private temporary folder and the first rename wins. A cache folder that is
 * there without a bundle is never replaced: `IO_TARGET_EXISTS` asks to remove
 * it; one whose `manifest.json` is not a regular file is a broken bundle
 * (`BUNDLE_MANIFEST_INVALID`).
 */
export async function ensureDefaultBundle(env: Readonly<Record<string, string | undefined>> = process.env): Promise<string> {
  const dir = join(cacheDir(env), 'bundles', DEFAULT_BUNDLE_NAME);
  if (await isBundleDir(dir)) return dir;
  const bundle = await defaultRandomBundle({ sha256: sha256Node });
  try {
    await writeDirectoryAtomic(dir, bundle.files.entries());
  } catch (error) {
    // Another process finished first: use its bundle.
    if (await isBundleDir(dir)) return dir;
    if (isCLIPSegError(error, 'IO_TARGET_EXISTS')) {
      throw new IoError('IO_TARGET_EXISTS', `The default model's cache folder ${dir} exists but holds no bundle; remove it and run again.`, { cause: error, details: { path: dir } });
    }
    throw error;
  }
  return dir;
}

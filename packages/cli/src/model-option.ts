import { readdir, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { isHubRepoId, parseHubRepoRef } from '@clipseg/core';
import { convertCheckpoint } from '@clipseg/convert';
import { directoryFileSet, isBundleDir, writeDirectoryAtomic } from '@clipseg/runtime-node';
import { entryKind, hashFileNode, joinInside, sha256Node } from '@clipseg/runtime-node/io';
import { cacheDir } from './cache/cache-dir.js';
import { DEFAULT_BUNDLE_NOTICE, ensureDefaultBundle } from './cache/default-bundle.js';
import { hasConvertedRecord, writeConvertedRecord } from './cache/converted-cache.js';
import { HubCache } from './hub/hub-cache.js';
import { pullModel } from './hub/pull-model.js';
import { CliError } from './cli-error.js';
import type { CliIO } from './command.js';

const isDir = (path: string) => stat(path).then((s) => s.isDirectory(), () => false);

/** A cache key for a checkpoint folder: its path and every file's name, size and modification time. */
async function checkpointKey(dir: string): Promise<string> {
  const hash = createHash('sha256').update(dir);
  for (const name of (await readdir(dir)).sort()) {
    const info = await stat(joinInside(dir, name, 'the file name')).catch(() => undefined); // a dangling link counts as absent
    hash.update(`\0${name}\0${info?.size ?? -1}\0${info?.mtimeMs ?? -1}`);
  }
  return hash.digest('hex').slice(0, 20);
}

/**
 * The bundle converted from the checkpoint folder `dir` into the cache's `converted/KEY`, converting it first when
 * it is not there. A record of the source folder is written beside it (see `writeConvertedRecord`; also for a
 * conversion made before records existed) so that `clipseg models` can say where it came from; failing to write
 * the record never fails the command.
 */
async function convertedCheckpoint(dir: string, io: CliIO): Promise<string> {
  const cache = cacheDir(io.env);
  const key = await checkpointKey(dir);
  const bundle = joinInside(cache, `converted/${key}`, 'the cache folder');
  if (await isBundleDir(bundle)) {
    if (!(await hasConvertedRecord(cache, key))) await writeConvertedRecord(cache, key, dir).catch(() => undefined);
    return bundle;
  }
  io.stderr(`note: ${dir} is an HF checkpoint; converting it once into ${bundle}\n`);
  const converted = await convertCheckpoint(directoryFileSet(dir), { sha256: sha256Node, hashSourceFile: (name) => hashFileNode(joinInside(dir, name, 'the file name')) });
  // Replaces only a bundle (another process may have finished the same conversion), never the checkpoint.
  await writeDirectoryAtomic(bundle, converted.files.entries(), { force: true, kind: 'bundle', keep: [dir] });
  await writeConvertedRecord(cache, key, dir).catch(() => undefined);
  return bundle;
}

/**
 * The bundle folder a command uses. `--model` may be a bundle folder (one with a `manifest.json`), an HF
 * checkpoint folder (one with `config.json` and no `manifest.json`: converted on first use into the cache), or a
 * Hub repo id (`OWNER/NAME[@REVISION]`) pulled before with `clipseg pull`. A folder whose `manifest.json` is not a
 * regular file is a broken bundle (`BUNDLE_MANIFEST_INVALID`), never taken for a checkpoint. Without `--model`: the
 * built-in default bundle (built offline on first use), announced on stderr because its masks are meaningless.
 */
export async function resolveModel(model: string | undefined, io: CliIO): Promise<string> {
  if (model === undefined) {
    io.stderr(`note: ${DEFAULT_BUNDLE_NOTICE}\n`);
    return ensureDefaultBundle(io.env);
  }
  const path = resolve(io.cwd, model);
  if (await isDir(path)) {
    if (await isBundleDir(path)) return path;
    if ((await entryKind(path, 'config.json')) === 'file') return convertedCheckpoint(path, io);
    return path; // loading reports what is missing
  }
  if (isHubRepoId(model)) {
    const ref = parseHubRepoRef(model);
    if (!(await new HubCache(cacheDir(io.env)).resolveRevision(ref))) {
      throw new CliError('CLI_INPUT_NOT_FOUND', `${model} is neither a folder nor a pulled Hub model; run 'clipseg pull ${model}' first.`);
    }
    return (await pullModel(model, { cacheDir: cacheDir(io.env), offline: true })).bundleDir;
  }
  throw new CliError('CLI_INPUT_NOT_FOUND', `--model ${model}: no such folder, and not a Hub id (OWNER/NAME[@REVISION]).`);
}

/** A model as fine-tuning needs it: the HF checkpoint (its parameters) and its converted bundle (the frozen CLIP). */
export interface CheckpointModel {
  /** The HF checkpoint folder. */
  readonly checkpointDir: string;
  /** The bundle converted from it (cached). */
  readonly bundleDir: string;
}

/**
 * The checkpoint a command that reads parameters uses (`clipseg finetune`). `model` may be an HF checkpoint folder
 * (converted once into the cache for the frozen part) or a Hub repo id pulled before (its cached checkpoint and
 * bundle). A bundle folder is refused: its graphs hold the weights in the converter's layout, so fine-tuning needs
 * the checkpoint it was converted from.
 */
export async function resolveCheckpointModel(model: string, io: CliIO): Promise<CheckpointModel> {
  const path = resolve(io.cwd, model);
  if (await isDir(path)) {
    if (await isBundleDir(path)) {
      throw new CliError('CLI_INPUT_INVALID', `--model ${model} is a converted bundle; fine-tuning reads the parameters of the HF checkpoint it was converted from. Pass that checkpoint folder, or the Hub id (OWNER/NAME) it was pulled from.`);
    }
    if ((await entryKind(path, 'config.json')) !== 'file') throw new CliError('CLI_INPUT_NOT_FOUND', `--model ${model}: not an HF checkpoint folder (no config.json).`);
    return { checkpointDir: path, bundleDir: await convertedCheckpoint(path, io) };
  }
  if (isHubRepoId(model)) {
    const ref = parseHubRepoRef(model);
    if (!(await new HubCache(cacheDir(io.env)).resolveRevision(ref))) {
      throw new CliError('CLI_INPUT_NOT_FOUND', `${model} is neither a folder nor a pulled Hub model; run 'clipseg pull ${model}' first.`);
    }
    const pulled = await pullModel(model, { cacheDir: cacheDir(io.env), offline: true });
    return { checkpointDir: pulled.checkpointDir, bundleDir: pulled.bundleDir };
  }
  throw new CliError('CLI_INPUT_NOT_FOUND', `--model ${model}: no such folder, and not a Hub id (OWNER/NAME[@REVISION]).`);
}

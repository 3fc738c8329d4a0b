import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { isHubRepoId, parseHubRepoRef } from '@clipseg/core';
import { convertCheckpoint } from '@clipseg/convert';
import { cacheDir } from '../cache/cache-dir.js';
import { DEFAULT_BUNDLE_NOTICE, ensureDefaultBundle } from '../cache/default-bundle.js';
import { directoryFileSet } from '../files/directory-file-set.js';
import { HubCache } from '../hub/hub-cache.js';
import { pullModel } from '../hub/pull-model.js';
import { hashFileNode, sha256Node } from '../io/hash-file-node.js';
import { writeDirectoryAtomic } from '../io/write-directory-atomic.js';
import { CliError } from './cli-error.js';
import type { CliIO } from './command.js';

const isFile = (path: string) => stat(path).then((s) => s.isFile(), () => false);
const isDir = (path: string) => stat(path).then((s) => s.isDirectory(), () => false);

/** A cache key for a checkpoint folder: its path and every file's name, size and modification time. */
async function checkpointKey(dir: string): Promise<string> {
  const hash = createHash('sha256').update(dir);
  for (const name of (await readdir(dir)).sort()) {
    const info = await stat(join(dir, name));
    hash.update(`\0${name}\0${info.size}\0${info.mtimeMs}`);
  }
  return hash.digest('hex').slice(0, 20);
}

async function convertedCheckpoint(dir: string, io: CliIO): Promise<string> {
  const bundle = join(cacheDir(io.env), 'converted', await checkpointKey(dir));
  if (await isFile(join(bundle, 'manifest.json'))) return bundle;
  io.stderr(`note: ${dir} is an HF checkpoint; converting it once into ${bundle}\n`);
  const converted = await convertCheckpoint(directoryFileSet(dir), { sha256: sha256Node, hashSourceFile: (name) => hashFileNode(join(dir, name)) });
  await writeDirectoryAtomic(bundle, converted.files.entries(), { force: true });
  return bundle;
}

/**
 * The bundle folder a command uses. `--model` may be a bundle folder, an HF
 * checkpoint folder (converted on first use into the cache), or a Hub repo id
 * (`OWNER/NAME[@REVISION]`) pulled before with `clipseg pull`. Without
 * `--model`: the built-in default bundle (built offline on first use),
 * announced on stderr because its masks are meaningless.
 */
export async function resolveModel(model: string | undefined, io: CliIO): Promise<string> {
  if (model === undefined) {
    io.stderr(`note: ${DEFAULT_BUNDLE_NOTICE}\n`);
    return ensureDefaultBundle(io.env);
  }
  const path = resolve(io.cwd, model);
  if (await isDir(path)) {
    if (await isFile(join(path, 'manifest.json'))) return path;
    if (await isFile(join(path, 'config.json'))) return convertedCheckpoint(path, io);
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

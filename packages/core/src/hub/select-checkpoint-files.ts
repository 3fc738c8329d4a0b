import { describeValue } from '../describe-value.js';
import { IoError } from '../io/io-error.js';
import { checkRelativePath } from '../io/safe-path.js';
import { HubError } from './hub-error.js';
import type { HubFile, HubModelInfo } from './hub-model-info.js';
import { parseHubJson } from './read-hub-body.js';

/** Tokenizer and processor files a CLIPSeg checkpoint may ship; taken when present. */
const SIDE_FILES = ['preprocessor_config.json', 'tokenizer.json', 'vocab.json', 'merges.txt', 'tokenizer_config.json', 'special_tokens_map.json'];

/** Largest `model.safetensors.index.json` read (real ones are a few hundred kB). */
export const MAX_SHARD_INDEX_BYTES = 16 * 1024 * 1024;

/**
 * Checks that a file name the Hub listed (or a shard index named) is a plain relative path: no `..`, not absolute,
 * no `\`, no control characters. Call it before the name becomes a path.
 *
 * @param what - what the name is, for the message (`the shard name in o/n's model.safetensors.index.json`)
 * @throws {@link HubError} `HUB_BAD_RESPONSE` (the `IoError` `IO_UNSAFE_PATH` as its cause)
 */
export function checkHubFileName(name: string, what: string): string {
  try {
    checkRelativePath(name, 'the name');
    return name;
  } catch (error) {
    if (!(error instanceof IoError)) throw error;
    const shown = JSON.stringify(String(name).slice(0, 120));
    throw new HubError('HUB_BAD_RESPONSE', `${what} ${shown} is not a plain relative file name (${error.message}) Nothing was downloaded; this repo or mirror is not usable.`, {
      cause: error,
      details: { name: String(name).slice(0, 1024) },
    });
  }
}

/**
 * The files of a Hub repo needed to convert it: `config.json`, the weights
 * (`model.safetensors`, else sharded safetensors — the index plus every shard,
 * read by the caller from the index — else `pytorch_model.bin`) and the side files.
 *
 * @returns the files in download order, and the weight index to expand when sharded.
 * @throws {@link HubError} `HUB_NOT_A_CLIPSEG_REPO` naming what is missing.
 */
export function selectCheckpointFiles(info: HubModelInfo): { files: HubFile[]; shardIndex?: HubFile } {
  const byName = new Map(info.files.map((f) => [f.name, f]));
  const config = byName.get('config.json');
  const tokenizer = byName.has('tokenizer.json') || (byName.has('vocab.json') && byName.has('merges.txt'));
  const weights = byName.get('model.safetensors') ?? byName.get('model.safetensors.index.json') ?? byName.get('pytorch_model.bin');
  const missing = [!config && 'config.json', !weights && 'weights (model.safetensors, model.safetensors.index.json or pytorch_model.bin)', !tokenizer && 'tokenizer files (tokenizer.json, or vocab.json + merges.txt)'].filter(Boolean);
  if (missing.length > 0) {
    throw new HubError('HUB_NOT_A_CLIPSEG_REPO', `${info.repo}@${info.commit.slice(0, 12)} lacks ${missing.join(', ')}; it is not a CLIPSeg checkpoint in HF format.`);
  }
  const files = [config!, ...SIDE_FILES.flatMap((n) => (byName.has(n) ? [byName.get(n)!] : [])), weights!];
  for (const f of files) checkHubFileName(f.name, `the file name listed by ${info.repo}`);
  return weights!.name.endsWith('.index.json') ? { files, shardIndex: weights! } : { files };
}

/**
 * The shard files an index's `weight_map` refers to, looked up in the repo listing. Every shard name must be a
 * plain relative path ending in `.safetensors`; it is checked here, before anything is downloaded.
 *
 * @throws {@link HubError} `HUB_BAD_RESPONSE` (not JSON, no `weight_map`, an unsafe or non-safetensors name),
 * `HUB_NOT_A_CLIPSEG_REPO` (a shard the repo does not have)
 */
export function shardFiles(info: HubModelInfo, indexJson: string): HubFile[] {
  const what = `${info.repo}'s model.safetensors.index.json`;
  const hint = 'the repo or mirror is not usable.';
  const parsed = parseHubJson(indexJson, what, hint) as { weight_map?: unknown } | null;
  const map = typeof parsed === 'object' && parsed !== null ? parsed.weight_map : undefined;
  if (typeof map !== 'object' || map === null || Array.isArray(map) || Object.keys(map).length === 0) {
    throw new HubError('HUB_BAD_RESPONSE', `${what} has no weight_map naming the shards; ${hint}`);
  }
  const names = new Set<string>();
  for (const value of Object.values(map as Record<string, unknown>)) {
    if (typeof value !== 'string') throw new HubError('HUB_BAD_RESPONSE', `${what} maps a tensor to ${describeValue(value)}, not a shard file name; ${hint}`);
    checkHubFileName(value, `the shard name in ${what}`);
    if (!value.endsWith('.safetensors')) throw new HubError('HUB_BAD_RESPONSE', `${what} names the shard ${describeValue(value)}, which is not a .safetensors file; ${hint}`);
    names.add(value);
  }
  const byName = new Map(info.files.map((f) => [f.name, f]));
  return [...names].sort().map((name) => {
    const file = byName.get(name);
    if (!file) throw new HubError('HUB_NOT_A_CLIPSEG_REPO', `${info.repo}: model.safetensors.index.json names '${name}', which the repo does not have.`);
    return file;
  });
}

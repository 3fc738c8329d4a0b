import { HubError } from './hub-error.js';
import type { HubFile, HubModelInfo } from './hub-model-info.js';

/** Tokenizer and processor files a CLIPSeg checkpoint may ship; taken when present. */
const SIDE_FILES = ['preprocessor_config.json', 'tokenizer.json', 'vocab.json', 'merges.txt', 'tokenizer_config.json', 'special_tokens_map.json'];

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
  return weights!.name.endsWith('.index.json') ? { files, shardIndex: weights! } : { files };
}

/** The shard file names an index's `weight_map` refers to, looked up in the repo listing. */
export function shardFiles(info: HubModelInfo, indexJson: string): HubFile[] {
  const map = (JSON.parse(indexJson) as { weight_map?: Record<string, string> }).weight_map ?? {};
  const byName = new Map(info.files.map((f) => [f.name, f]));
  return [...new Set(Object.values(map))].sort().map((name) => {
    const file = byName.get(name);
    if (!file) throw new HubError('HUB_NOT_A_CLIPSEG_REPO', `${info.repo}: model.safetensors.index.json names '${name}', which the repo does not have.`);
    return file;
  });
}

const MiB = 1 << 20;

/**
 * Largest JSON configuration read (config.json, preprocessor_config.json, tokenizer_config.json,
 * special_tokens_map.json, a bundle's manifest.json, a shard index): 4 MiB. Real ones are a few kB, a shard index
 * of a large model some hundred kB.
 */
export const MAX_CONFIG_BYTES = 4 * MiB;

/**
 * Largest tokenizer vocabulary read (tokenizer.json, vocab.json, merges.txt, OpenAI's BPE file): 64 MiB. CLIP's are
 * 0.5 to 2.2 MB.
 */
export const MAX_VOCABULARY_BYTES = 64 * MiB;

/** Largest workflow file read: 64 MiB, as a workflow may carry its images inline as `data:` URLs. */
export const MAX_WORKFLOW_BYTES = 64 * MiB;

/** Largest embeddings file read (`--prompt-embedding`): 64 MiB, 32 768 float32 embeddings of 512 values. */
export const MAX_EMBEDDING_FILE_BYTES = 64 * MiB;

/**
 * Largest other file read whole (pytorch_model.bin weights, graphs hashed with `--verify sha256`): just under
 * 4 GiB, the most one Node buffer holds. Graphs and safetensors weights are read lazily instead.
 */
export const MAX_WHOLE_FILE_BYTES = 4 * 1024 * MiB - 1;

const VOCABULARY_FILES = new Set(['tokenizer.json', 'vocab.json', 'merges.txt']);

/**
 * The read limit for a file of a checkpoint or bundle folder, by its name: {@link MAX_VOCABULARY_BYTES} for the
 * tokenizer vocabularies, {@link MAX_CONFIG_BYTES} for any other `.json` or `.txt`, else {@link MAX_WHOLE_FILE_BYTES}.
 */
export function maxReadBytes(name: string): number {
  const base = name.slice(name.lastIndexOf('/') + 1);
  if (VOCABULARY_FILES.has(base)) return MAX_VOCABULARY_BYTES;
  if (base.endsWith('.json') || base.endsWith('.txt')) return MAX_CONFIG_BYTES;
  return MAX_WHOLE_FILE_BYTES;
}

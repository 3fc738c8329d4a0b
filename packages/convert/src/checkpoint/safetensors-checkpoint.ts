import { openSource, openSafetensors, type FileSet, type SafetensorsReader } from '@clipseg/core';
import { CheckpointError } from './checkpoint-error.js';
import type { CheckpointDType, CheckpointReader, CheckpointTensorInfo } from './checkpoint-reader.js';

interface Located {
  readonly info: CheckpointTensorInfo;
  readonly reader: SafetensorsReader;
}

/** A {@link CheckpointReader} over one or more opened safetensors files. */
export class SafetensorsCheckpoint implements CheckpointReader {
  readonly source: string;
  readonly #tensors = new Map<string, Located>();
  readonly #readers: SafetensorsReader[];

  private constructor(source: string, readers: SafetensorsReader[], owners: readonly string[]) {
    this.source = source;
    this.#readers = readers;
    readers.forEach((reader, i) => {
      for (const t of reader.tensors) {
        const previous = this.#tensors.get(t.name);
        if (previous) {
          throw new CheckpointError('CHECKPOINT_DUPLICATE_TENSOR', `Tensor '${t.name}' appears in two shards (${owners[readers.indexOf(previous.reader)]} and ${owners[i]}); re-export the checkpoint.`);
        }
        this.#tensors.set(t.name, { info: { name: t.name, dtype: t.dtype as CheckpointDType, shape: [...t.shape] }, reader });
      }
    });
  }

  /**
   * Opens `model.safetensors`, or the shards listed by `model.safetensors.index.json`
   * (HF's sharded layout: `weight_map` names each tensor's shard, and every
   * tensor must be in the shard the index names).
   *
   * @returns `undefined` when the folder has neither file.
   */
  static async open(files: FileSet): Promise<{ reader: SafetensorsCheckpoint; files: string[] } | undefined> {
    const single = await openSource(files, 'model.safetensors');
    if (single) {
      const reader = await openSafetensors(single).catch(async (error: unknown) => {
        await single.close?.();
        throw error;
      });
      return { reader: new SafetensorsCheckpoint(`${files.location}/model.safetensors`, [reader], ['model.safetensors']), files: ['model.safetensors'] };
    }
    const indexBytes = await files.readBytes('model.safetensors.index.json');
    if (!indexBytes) return undefined;
    const weightMap = parseIndex(new TextDecoder().decode(indexBytes), files.location);
    const shards = [...new Set(Object.values(weightMap))].sort();
    const readers: SafetensorsReader[] = [];
    try {
      for (const shard of shards) {
        const source = await openSource(files, shard);
        if (!source) {
          throw new CheckpointError('CHECKPOINT_SHARD_MISSING', `${files.location}/model.safetensors.index.json names the shard '${shard}', which is missing; download every shard.`);
        }
        readers.push(await openSafetensors(source));
      }
      const checkpoint = new SafetensorsCheckpoint(`${files.location}/model.safetensors.index.json`, readers, shards);
      for (const [name, shard] of Object.entries(weightMap)) {
        const owner = checkpoint.#tensors.get(name)?.reader;
        if (owner !== readers[shards.indexOf(shard)]) {
          throw new CheckpointError('CHECKPOINT_INDEX_INVALID', `The index places '${name}' in '${shard}', but that shard does not hold it; the index and the shards do not belong together.`);
        }
      }
      return { reader: checkpoint, files: ['model.safetensors.index.json', ...shards] };
    } catch (error) {
      await Promise.all(readers.map((r) => r.close()));
      throw error;
    }
  }

  list(): readonly CheckpointTensorInfo[] {
    return [...this.#tensors.values()].map((t) => t.info);
  }

  async readFloat32(name: string): Promise<Float32Array> {
    const located = this.#tensors.get(name);
    if (!located) throw new CheckpointError('CHECKPOINT_TENSOR_NOT_FOUND', `The checkpoint has no tensor '${name}'.`);
    return located.reader.readFloat32(name);
  }

  async close(): Promise<void> {
    await Promise.all(this.#readers.map((r) => r.close()));
  }
}

function parseIndex(text: string, location: string): Record<string, string> {
  const fail = (why: string) =>
    new CheckpointError('CHECKPOINT_INDEX_INVALID', `${location}/model.safetensors.index.json ${why}; re-download it with the shards it belongs to.`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw fail('is not valid JSON');
  }
  const map = (json as { weight_map?: unknown } | null)?.weight_map;
  if (typeof map !== 'object' || map === null || Array.isArray(map)) throw fail('has no "weight_map" object');
  for (const [name, shard] of Object.entries(map)) {
    if (typeof shard !== 'string' || shard.length === 0 || shard.includes('/') || shard.includes('\\') || shard.startsWith('.')) {
      throw fail(`maps '${name}' to ${JSON.stringify(shard)}, which is not a plain file name`);
    }
  }
  return map as Record<string, string>;
}

/**
 * The fine-tuned model as an HF checkpoint folder: the source checkpoint's files with the trained decoder
 * parameters in `model.safetensors` (HF names and shapes), loadable by HF's `from_pretrained` as it is.
 *
 * @module
 */
import { createTensor, writeSafetensors, type FileSet, type Tensor } from '@clipseg/core';
import { openCheckpoint, TOKENIZER_FILES } from '@clipseg/convert';
import { TrainingError } from '../training/training-error.js';

/** Files copied as they are from the source checkpoint (those present). */
export const CHECKPOINT_SIDE_FILES: readonly string[] = ['config.json', 'preprocessor_config.json', ...TOKENIZER_FILES];

/**
 * The files of the fine-tuned checkpoint: `model.safetensors` holding every tensor of `source`'s weights
 * (safetensors, sharded or `pytorch_model.bin`) with the ones in `parameters` replaced — float32; integer buffers
 * (e.g. `position_ids`) stay int64 — plus `config.json`, `preprocessor_config.json` and the tokenizer files.
 *
 * @param metadata - `__metadata__` of `model.safetensors` (HF writes `{format: 'pt'}`, added when absent)
 * @throws TrainingError `TRAINING_INVALID_INPUT` when a parameter is not in the source or has another size; the
 *   checkpoint reader's errors
 */
export async function finetunedCheckpointFiles(source: FileSet, parameters: ReadonlyMap<string, Float32Array>, metadata: Readonly<Record<string, string>> = {}): Promise<Map<string, Uint8Array>> {
  const { reader } = await openCheckpoint(source);
  const tensors: Record<string, Tensor> = {};
  try {
    const listed = new Map(reader.list().map((t) => [t.name, t]));
    for (const [name, values] of parameters) {
      const info = listed.get(name);
      const size = info?.shape.reduce((a, b) => a * b, 1);
      if (info === undefined || size !== values.length) {
        throw new TrainingError('TRAINING_INVALID_INPUT', `The trained parameter '${name}' ${info === undefined ? 'is not in' : 'has another size than in'} the source checkpoint ${source.location}; save with the checkpoint the run started from.`, { parameter: name });
      }
    }
    for (const info of listed.values()) {
      const trained = parameters.get(info.name);
      const values = trained ?? (await reader.readFloat32(info.name));
      tensors[info.name] =
        trained === undefined && (info.dtype === 'I64' || info.dtype === 'I32')
          ? createTensor('int64', info.shape, BigInt64Array.from(values, (v) => BigInt(Math.round(v))))
          : createTensor('float32', info.shape, values);
    }
  } finally {
    await reader.close();
  }
  const files = new Map<string, Uint8Array>();
  for (const name of CHECKPOINT_SIDE_FILES) {
    const bytes = await source.readBytes(name);
    if (bytes !== undefined) files.set(name, bytes);
  }
  files.set('model.safetensors', writeSafetensors(tensors, { format: 'pt', ...metadata }));
  return files;
}

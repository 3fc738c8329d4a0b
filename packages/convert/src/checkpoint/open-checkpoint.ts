import type { FileSet } from '@clipseg/core';
import { readTorchCheckpoint } from '../torch/torch-checkpoint-reader.js';
import { CheckpointError } from './checkpoint-error.js';
import type { CheckpointReader } from './checkpoint-reader.js';
import { SafetensorsCheckpoint } from './safetensors-checkpoint.js';

/** An opened checkpoint and the files its weights came from. */
export interface OpenedCheckpoint {
  /** Lazy access to the weights. */
  readonly reader: CheckpointReader;
  /** The weight files read, in order (index first for sharded checkpoints). */
  readonly files: readonly string[];
}

/**
 * Opens the weights of an HF checkpoint folder, preferring what HF prefers:
 * `model.safetensors`, then sharded safetensors (`model.safetensors.index.json`),
 * then `pytorch_model.bin` through the restricted unpickler (which executes nothing).
 *
 * @throws {@link CheckpointError} `CHECKPOINT_NOT_FOUND` when none is there.
 */
export async function openCheckpoint(files: FileSet): Promise<OpenedCheckpoint> {
  const safetensors = await SafetensorsCheckpoint.open(files);
  if (safetensors) return safetensors;
  const bin = await files.readBytes('pytorch_model.bin');
  if (bin) return { reader: readTorchCheckpoint(bin, { source: `${files.location}/pytorch_model.bin` }), files: ['pytorch_model.bin'] };
  throw new CheckpointError(
    'CHECKPOINT_NOT_FOUND',
    `${files.location} holds no weights: expected model.safetensors, model.safetensors.index.json with its shards, or pytorch_model.bin.`,
  );
}

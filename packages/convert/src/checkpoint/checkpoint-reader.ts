/** Element types a checkpoint tensor can have, named as safetensors names them. */
export type CheckpointDType = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

/** Name, element type and shape of one tensor in a checkpoint. */
export interface CheckpointTensorInfo {
  /** Parameter name, e.g. `clip.text_model.embeddings.token_embedding.weight`. */
  readonly name: string;
  /** Element type as stored. */
  readonly dtype: CheckpointDType;
  /** Shape. */
  readonly shape: readonly number[];
}

/**
 * Uniform read access to the tensors of a checkpoint, whatever its file
 * format (safetensors, sharded safetensors, torch zip). Reads are lazy.
 */
export interface CheckpointReader {
  /** What was read, for messages (a path or file name). */
  readonly source: string;
  /** Every tensor in the checkpoint. */
  list(): readonly CheckpointTensorInfo[];
  /** A tensor's values converted to float32 (from F32, F16, BF16, F64 or integer types). */
  readFloat32(name: string): Promise<Float32Array>;
  /** Releases files or buffers. */
  close(): Promise<void>;
}

import type { CheckpointDType } from '../checkpoint/checkpoint-reader.js';

/**
 * The legacy typed-storage classes `torch.save` names in persistent ids
 * (`torch.FloatStorage` …), by attribute name of module `torch`, with the
 * element type each holds.
 */
export const TORCH_STORAGE_TYPES: ReadonlyMap<string, CheckpointDType> = new Map<string, CheckpointDType>([
  ['FloatStorage', 'F32'],
  ['HalfStorage', 'F16'],
  ['BFloat16Storage', 'BF16'],
  ['DoubleStorage', 'F64'],
  ['LongStorage', 'I64'],
  ['IntStorage', 'I32'],
  ['ShortStorage', 'I16'],
  ['CharStorage', 'I8'],
  ['ByteStorage', 'U8'],
  ['BoolStorage', 'BOOL'],
]);

/** Bytes per element of each {@link CheckpointDType}. */
export const CHECKPOINT_DTYPE_BYTES: Readonly<Record<CheckpointDType, number>> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

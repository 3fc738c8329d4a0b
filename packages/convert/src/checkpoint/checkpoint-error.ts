import { CLIPSegError } from '@clipseg/core';

/** Error codes raised while locating and opening checkpoint files. */
export type CheckpointErrorCode = 'CHECKPOINT_NOT_FOUND' | 'CHECKPOINT_INDEX_INVALID' | 'CHECKPOINT_SHARD_MISSING' | 'CHECKPOINT_DUPLICATE_TENSOR' | 'CHECKPOINT_TENSOR_NOT_FOUND';

/** A checkpoint's files are missing or inconsistent. */
export class CheckpointError extends CLIPSegError<CheckpointErrorCode> {}

import { PyDict, PyHostObject, PyList, PyTuple, describePyValue } from './pickle-values.js';
import type { PyValue } from './pickle-values.js';
import { STORAGE_OBJECT_TYPE } from './storage-ref.js';
import type { TorchStorageRef } from './storage-ref.js';
import { torchError } from './torch-checkpoint-error.js';

/** Host-object type of a {@link TorchTensorRecord} inside the unpickled value tree. */
export const TENSOR_OBJECT_TYPE = 'torch.Tensor';

/** Limits applied when a tensor is rebuilt. */
export interface TensorRebuildLimits {
  /** Most elements one tensor may have (default 2^30). */
  readonly maxTensorElements: number;
  /** Most dimensions one tensor may have (default 64). */
  readonly maxDims: number;
}

/** Defaults of {@link TensorRebuildLimits}. */
export const DEFAULT_TENSOR_REBUILD_LIMITS: TensorRebuildLimits = { maxTensorElements: 2 ** 30, maxDims: 64 };

/**
 * A validated tensor view: its elements `storageOffset + Σ index_i × stride_i`
 * all lie inside `storage` (checked when the tensor was rebuilt). No bytes
 * are read until a reader asks for them.
 */
export interface TorchTensorRecord {
  /** The storage the tensor views; several tensors may share one. */
  readonly storage: TorchStorageRef;
  /** First element, in elements of the storage's dtype. */
  readonly storageOffset: number;
  /** Shape. */
  readonly shape: readonly number[];
  /** Stride of each dimension, in elements. */
  readonly stride: readonly number[];
  /** Number of elements (product of `shape`). */
  readonly numel: number;
  /** True when `stride` is the row-major stride of `shape` (dims of size 1 ignored). */
  readonly contiguous: boolean;
  /** The pickled `requires_grad` flag (informational). */
  readonly requiresGrad: boolean;
}

function invalidArgs(what: string, problem: string): Error {
  return torchError('TORCH_PICKLE_INVALID', `The checkpoint's pickle calls ${what} with bad arguments: ${problem}`);
}

function shapeInvalid(problem: string, details: Record<string, unknown>): Error {
  return torchError('TORCH_SHAPE_INVALID', `A tensor in the checkpoint has an invalid layout: ${problem}`, details);
}

/** Reads a tuple (torch.Size pickles as a tuple) of non-negative integers. */
function integerList(value: PyValue, what: string, limits: TensorRebuildLimits): number[] {
  if (!(value instanceof PyTuple) && !(value instanceof PyList)) throw shapeInvalid(`its ${what} is ${describePyValue(value)}, not a tuple of integers.`, { what });
  if (value.items.length > limits.maxDims) {
    throw torchError(
      'TORCH_SHAPE_TOO_LARGE',
      `A tensor in the checkpoint has ${String(value.items.length)} dimensions, more than maxDims ${String(limits.maxDims)}.`,
      { dims: value.items.length, maxDims: limits.maxDims },
    );
  }
  return value.items.map((item, i) => {
    if (typeof item === 'bigint' && item > 0n) {
      throw torchError('TORCH_SHAPE_TOO_LARGE', `A tensor in the checkpoint has ${what}[${String(i)}] = ${String(item)}, beyond 2^53.`, { what, index: i });
    }
    if (typeof item !== 'number' || !Number.isSafeInteger(item) || item < 0) {
      throw shapeInvalid(`its ${what}[${String(i)}] is ${describePyValue(item)}, not a non-negative integer.`, { what, index: i });
    }
    return item;
  });
}

/**
 * Validates the arguments of `torch._utils._rebuild_tensor_v2(storage,
 * storage_offset, size, stride, requires_grad, backward_hooks[, metadata])`
 * (or of `_rebuild_tensor`, without the last three) and returns the tensor
 * as inert data. Checks, in order: argument types; each dimension a
 * non-negative integer, at most `maxDims` of them; the element count within
 * `maxTensorElements` (before anything proportional is allocated); stride
 * length and values; the whole view inside the storage.
 *
 * @param args - the REDUCE arguments
 * @param limits - element and dimension limits
 * @param what - the global's name, for messages
 * @param withGradArgs - true for `_rebuild_tensor_v2` (6 or 7 arguments), false for `_rebuild_tensor` (4)
 * @throws {@link TorchCheckpointError} `TORCH_PICKLE_INVALID`,
 *   `TORCH_SHAPE_INVALID`, `TORCH_SHAPE_TOO_LARGE` or `TORCH_VIEW_OUT_OF_BOUNDS`
 */
export function rebuildTensor(args: PyTuple, limits: TensorRebuildLimits, what: string, withGradArgs: boolean): PyHostObject<TorchTensorRecord> {
  const n = args.items.length;
  if (withGradArgs ? n !== 6 && n !== 7 : n !== 4) {
    throw invalidArgs(what, `expected ${withGradArgs ? '6 or 7' : '4'} arguments, got ${String(n)}.`);
  }
  const [storageValue, offsetValue, sizeValue, strideValue, requiresGrad = false, hooks = new PyDict(true)] = args.items;
  if (!(storageValue instanceof PyHostObject) || storageValue.type !== STORAGE_OBJECT_TYPE) {
    throw invalidArgs(what, `the first argument is ${describePyValue(storageValue ?? null)}, not a storage from a persistent id.`);
  }
  if (typeof requiresGrad !== 'boolean') throw invalidArgs(what, `requires_grad is ${describePyValue(requiresGrad)}, not a bool.`);
  if (!(hooks instanceof PyDict)) throw invalidArgs(what, `backward_hooks is ${describePyValue(hooks)}, not a dict.`);
  const storage = storageValue.payload as TorchStorageRef;

  const shape = integerList(sizeValue ?? null, 'size', limits);
  let numel = 1;
  if (!shape.includes(0)) {
    for (const dim of shape) {
      numel *= dim;
      if (numel > limits.maxTensorElements) {
        throw torchError(
          'TORCH_SHAPE_TOO_LARGE',
          `A tensor in the checkpoint has shape [${shape.join(', ')}], more than maxTensorElements ${String(limits.maxTensorElements)} elements.`,
          { shape, maxTensorElements: limits.maxTensorElements },
        );
      }
    }
  } else {
    numel = 0;
  }
  const stride = integerList(strideValue ?? null, 'stride', limits);
  if (stride.length !== shape.length) {
    throw shapeInvalid(`its size has ${String(shape.length)} dimensions but its stride has ${String(stride.length)}.`, { shape, stride });
  }
  if (typeof offsetValue !== 'number' || !Number.isSafeInteger(offsetValue) || offsetValue < 0) {
    throw shapeInvalid(`its storage offset is ${describePyValue(offsetValue ?? null)}, not a non-negative integer.`, {});
  }
  const storageOffset = offsetValue;

  if (numel > 0) {
    let last = BigInt(storageOffset);
    for (let i = 0; i < shape.length; i++) last += BigInt(shape[i]! - 1) * BigInt(stride[i]!);
    if (last >= BigInt(storage.numel)) {
      throw torchError(
        'TORCH_VIEW_OUT_OF_BOUNDS',
        `A tensor in the checkpoint (offset ${String(storageOffset)}, shape [${shape.join(', ')}], stride [${stride.join(', ')}]) reaches element ${String(last)} of storage "${storage.key}", which has ${String(storage.numel)} elements.`,
        { key: storage.key, storageOffset, shape, stride, lastElement: String(last), storageNumel: storage.numel },
      );
    }
  }

  let expected = 1;
  let contiguous = true;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && stride[i] !== expected) contiguous = false;
    expected *= shape[i]!;
  }
  return new PyHostObject<TorchTensorRecord>(TENSOR_OBJECT_TYPE, {
    storage,
    storageOffset,
    shape,
    stride,
    numel,
    contiguous,
    requiresGrad,
  });
}

import { PyDict, PyHostObject, describePyValue } from './pickle-values.js';
import type { PyValue } from './pickle-values.js';
import { TENSOR_OBJECT_TYPE } from './tensor-rebuild.js';
import type { TorchTensorRecord } from './tensor-rebuild.js';
import { torchError } from './torch-checkpoint-error.js';

/** A dict entry that was not taken as a tensor, and why. */
export interface SkippedEntry {
  /** The key (stringified when it was not a string). */
  readonly name: string;
  /** Why it was skipped, e.g. `value is int 3, not a tensor`. */
  readonly reason: string;
}

/** The tensors of a state dict, in pickle order, and what was skipped. */
export interface StateDictContents {
  /** Name → validated tensor record. */
  readonly tensors: ReadonlyMap<string, TorchTensorRecord>;
  /** Entries of the state dict that are not tensors (ignored). */
  readonly skipped: readonly SkippedEntry[];
  /** `undefined` when the top-level dict is the state dict, else the key that held it (`state_dict` or `model`). */
  readonly wrapperKey: string | undefined;
}

/** Keys of a training-checkpoint dict whose value may be the state dict, in order of preference. */
export const STATE_DICT_WRAPPER_KEYS = ['state_dict', 'model'] as const;

function isTensor(value: PyValue): value is PyHostObject<TorchTensorRecord> {
  return value instanceof PyHostObject && value.type === TENSOR_OBJECT_TYPE;
}

function countTensors(dict: PyDict): number {
  let n = 0;
  for (const value of dict.entries.values()) if (isTensor(value)) n++;
  return n;
}

/**
 * Finds the state dict in an unpickled `torch.save` object.
 *
 * - The object must be a dict or OrderedDict.
 * - If it holds at least one tensor, it is the state dict.
 * - Otherwise, if its `state_dict` or `model` key (in that order) holds a
 *   dict with at least one tensor, that dict is the state dict (training
 *   checkpoints such as `{'model': …, 'optimizer': …, 'epoch': 3}`).
 * - An empty dict is an empty state dict.
 *
 * Inside the state dict, entries whose key is not a string or whose value is
 * not a tensor (e.g. a stray `epoch` int, or a nested dict) are skipped and
 * listed in `skipped`; they never fail the read.
 *
 * @param top - the unpickled object
 * @throws {@link TorchCheckpointError} `TORCH_NOT_A_STATE_DICT` when no dict of tensors is found
 */
export function extractStateDict(top: PyValue): StateDictContents {
  if (!(top instanceof PyDict)) {
    throw torchError('TORCH_NOT_A_STATE_DICT', `The checkpoint holds a ${describePyValue(top)}, not a dict of tensors (a state dict).`, {
      found: describePyValue(top),
    });
  }
  let dict = top;
  let wrapperKey: string | undefined;
  if (top.entries.size > 0 && countTensors(top) === 0) {
    const nestedKey = STATE_DICT_WRAPPER_KEYS.find((key) => {
      const value = top.entries.get(key);
      return value instanceof PyDict && countTensors(value) > 0;
    });
    if (nestedKey === undefined) {
      const keys = [...top.entries.keys()].slice(0, 8).map((k) => JSON.stringify(String(k)));
      throw torchError(
        'TORCH_NOT_A_STATE_DICT',
        `The checkpoint holds a dict without tensors (keys ${keys.join(', ')}${top.entries.size > 8 ? ', …' : ''}), and no "state_dict" or "model" entry holding tensors.`,
        { keys },
      );
    }
    dict = top.entries.get(nestedKey) as PyDict;
    wrapperKey = nestedKey;
  }
  const tensors = new Map<string, TorchTensorRecord>();
  const skipped: SkippedEntry[] = [];
  for (const [key, value] of dict.entries) {
    if (typeof key !== 'string') {
      skipped.push({ name: String(key), reason: `key is ${describePyValue(key)}, not a string` });
    } else if (!isTensor(value)) {
      skipped.push({ name: key, reason: `value is ${describePyValue(value)}, not a tensor` });
    } else {
      tensors.set(key, value.payload);
    }
  }
  return { tensors, skipped, wrapperKey };
}

import { PyDict, PyHostObject, describePyValue } from './pickle-values.js';
import type { GlobalDescriptor, PyTuple, PyValue } from './pickle-values.js';
import { STORAGE_TYPE_TAG_PREFIX } from './storage-ref.js';
import { TENSOR_OBJECT_TYPE, rebuildTensor } from './tensor-rebuild.js';
import type { TensorRebuildLimits, TorchTensorRecord } from './tensor-rebuild.js';
import { torchError } from './torch-checkpoint-error.js';
import { TORCH_STORAGE_TYPES } from './torch-dtypes.js';

function invalidCall(name: string, problem: string): Error {
  return torchError('TORCH_PICKLE_INVALID', `The checkpoint's pickle calls ${name} with bad arguments: ${problem}`);
}

/** `_rebuild_parameter(data, requires_grad, backward_hooks[, state])`: the parameter is just its tensor. */
function rebuildParameter(name: string, arity: number): GlobalDescriptor {
  return {
    kind: 'callable',
    call(args: PyTuple): PyValue {
      if (args.items.length !== arity) throw invalidCall(name, `expected ${String(arity)} arguments, got ${String(args.items.length)}.`);
      const [data, requiresGrad] = args.items;
      if (!(data instanceof PyHostObject) || data.type !== TENSOR_OBJECT_TYPE) {
        throw invalidCall(name, `the data is ${describePyValue(data ?? null)}, not a tensor.`);
      }
      if (typeof requiresGrad !== 'boolean') throw invalidCall(name, `requires_grad is ${describePyValue(requiresGrad ?? null)}, not a bool.`);
      const record = data.payload as TorchTensorRecord;
      return new PyHostObject<TorchTensorRecord>(TENSOR_OBJECT_TYPE, { ...record, requiresGrad });
    },
  };
}

/**
 * The allow-list of Python globals a `torch.save` state dict may name, each
 * mapped to an inert descriptor (see {@link GlobalDescriptor}):
 *
 * - `collections.OrderedDict`: a class; `OrderedDict()` makes an empty
 *   ordered {@link PyDict} (other arguments are refused). BUILD state on it
 *   (torch's `_metadata`) is kept as attributes and ignored.
 * - `torch._utils._rebuild_tensor_v2`, `torch._utils._rebuild_tensor`:
 *   validate a tensor view (see `rebuildTensor`) and return a tensor record.
 * - `torch._utils._rebuild_parameter`, `torch._utils._rebuild_parameter_with_state`:
 *   return the wrapped tensor.
 * - `torch.FloatStorage`, `torch.HalfStorage`, `torch.BFloat16Storage`,
 *   `torch.DoubleStorage`, `torch.LongStorage`, `torch.IntStorage`,
 *   `torch.ShortStorage`, `torch.CharStorage`, `torch.ByteStorage`,
 *   `torch.BoolStorage`: markers naming the element type of a persistent id.
 *
 * Every other global (`os.system`, `builtins.eval`, `torch.load` …) is
 * refused by the unpickler.
 *
 * @param limits - limits applied to rebuilt tensors
 */
export function createTorchGlobals(limits: TensorRebuildLimits): ReadonlyMap<string, GlobalDescriptor> {
  const globals = new Map<string, GlobalDescriptor>();
  globals.set('collections.OrderedDict', {
    kind: 'class',
    construct(args: PyTuple): PyValue {
      if (args.items.length !== 0) throw invalidCall('collections.OrderedDict', `only OrderedDict() is accepted, got ${String(args.items.length)} arguments.`);
      return new PyDict(true);
    },
  });
  globals.set('torch._utils._rebuild_tensor_v2', {
    kind: 'callable',
    call: (args) => rebuildTensor(args, limits, 'torch._utils._rebuild_tensor_v2', true),
  });
  globals.set('torch._utils._rebuild_tensor', {
    kind: 'callable',
    call: (args) => rebuildTensor(args, limits, 'torch._utils._rebuild_tensor', false),
  });
  globals.set('torch._utils._rebuild_parameter', rebuildParameter('torch._utils._rebuild_parameter', 3));
  globals.set('torch._utils._rebuild_parameter_with_state', rebuildParameter('torch._utils._rebuild_parameter_with_state', 4));
  for (const [name, dtype] of TORCH_STORAGE_TYPES) globals.set(`torch.${name}`, { kind: 'marker', tag: `${STORAGE_TYPE_TAG_PREFIX}${dtype}` });
  return globals;
}

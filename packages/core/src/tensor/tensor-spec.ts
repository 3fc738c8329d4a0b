import type { Tensor, TensorDType } from './tensor.js';
import { TensorError } from './tensor.js';

/**
 * One dimension of a {@link TensorSpec}: a fixed size, or a symbolic name
 * (`'batch'`, `'seq'`, …) that must take the same value wherever it appears
 * within one check.
 */
export type DimSpec = number | string;

/** The declared name, element type and shape of one graph input or output. */
export interface TensorSpec {
  /** Tensor name as it appears in the graph. */
  readonly name: string;
  /** Element type. */
  readonly type: TensorDType;
  /** Shape: fixed sizes and symbolic names. */
  readonly dims: readonly DimSpec[];
  /** What the tensor holds, for error messages and docs. */
  readonly description?: string;
}

/** The named inputs and outputs of one model graph. */
export interface GraphContract {
  /** Graph name (for example `text_encoder`). */
  readonly name: string;
  /** Inputs, in graph order. */
  readonly inputs: readonly TensorSpec[];
  /** Outputs, in graph order. */
  readonly outputs: readonly TensorSpec[];
}

/** Values bound to symbolic dims during a check. */
export type DimBindings = Map<string, number>;

/** Formats a spec's shape, e.g. `[batch, 3]`. */
export function formatDims(dims: readonly DimSpec[]): string {
  return `[${dims.join(', ')}]`;
}

/**
 * Checks one tensor against its spec, binding symbolic dims in `bindings`
 * (shared across calls so that `batch` agrees between tensors).
 *
 * @throws {@link TensorError} `TENSOR_MISMATCH` naming the tensor, the expected
 * and the actual dtype or shape.
 */
export function checkTensor(spec: TensorSpec, tensor: Tensor, bindings: DimBindings = new Map()): void {
  if (tensor.type !== spec.type) {
    throw new TensorError(
      'TENSOR_MISMATCH',
      `Tensor '${spec.name}' must be ${spec.type} ${formatDims(spec.dims)}, got ${tensor.type} ${formatDims(tensor.dims)}: convert it to ${spec.type}.`,
      { details: { name: spec.name, expected: spec.type, actual: tensor.type } },
    );
  }
  if (tensor.dims.length !== spec.dims.length) {
    throw new TensorError(
      'TENSOR_MISMATCH',
      `Tensor '${spec.name}' must have rank ${spec.dims.length} ${formatDims(spec.dims)}, got rank ${tensor.dims.length} ${formatDims(tensor.dims)}.`,
      { details: { name: spec.name, expected: [...spec.dims], actual: [...tensor.dims] } },
    );
  }
  spec.dims.forEach((want, axis) => {
    const got = tensor.dims[axis]!;
    if (typeof want === 'number') {
      if (got !== want) {
        throw new TensorError(
          'TENSOR_MISMATCH',
          `Tensor '${spec.name}' must have shape ${formatDims(spec.dims)}, got ${formatDims(tensor.dims)} (axis ${axis} is ${got}, expected ${want}).`,
          { details: { name: spec.name, axis, expected: [...spec.dims], actual: [...tensor.dims] } },
        );
      }
      return;
    }
    const bound = bindings.get(want);
    if (bound === undefined) {
      bindings.set(want, got);
    } else if (bound !== got) {
      throw new TensorError(
        'TENSOR_MISMATCH',
        `Tensor '${spec.name}' has ${want} = ${got} on axis ${axis}, but another tensor set ${want} = ${bound}; all tensors must agree.`,
        { details: { name: spec.name, axis, dim: want, expected: bound, actual: got } },
      );
    }
  });
}

/**
 * Checks a set of named tensors against specs: every spec present, no extra
 * names, each tensor matching, symbolic dims consistent across tensors.
 *
 * @returns the bindings of the symbolic dims.
 * @throws {@link TensorError} `TENSOR_MISSING`, `TENSOR_UNEXPECTED` or `TENSOR_MISMATCH`.
 */
export function checkTensors(specs: readonly TensorSpec[], tensors: Readonly<Record<string, Tensor>>, options: { allowExtra?: boolean } = {}): DimBindings {
  const bindings: DimBindings = new Map();
  const known = new Set(specs.map((s) => s.name));
  const missing = specs.filter((s) => !(s.name in tensors)).map((s) => s.name);
  if (missing.length > 0) {
    throw new TensorError('TENSOR_MISSING', `Missing tensor(s) ${missing.map((n) => `'${n}'`).join(', ')}; expected ${[...known].join(', ')}.`, {
      details: { missing },
    });
  }
  if (!options.allowExtra) {
    const extra = Object.keys(tensors).filter((n) => !known.has(n));
    if (extra.length > 0) {
      throw new TensorError('TENSOR_UNEXPECTED', `Unexpected tensor(s) ${extra.map((n) => `'${n}'`).join(', ')}; expected only ${[...known].join(', ')}.`, {
        details: { extra },
      });
    }
  }
  for (const spec of specs) checkTensor(spec, tensors[spec.name]!, bindings);
  return bindings;
}

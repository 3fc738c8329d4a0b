import { isCLIPSegError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { isTensor } from '../tensor/tensor.js';
import { checkTensor, type DimBindings } from '../tensor/tensor-spec.js';
import type { RunOptions, Session } from './backend.js';
import { BackendError } from './backend-error.js';

/**
 * Validates a run's feeds and fetches against a session before anything
 * reaches the runtime, so callers get a typed error instead of a crash deep
 * in native code. Backends call this at the top of `run`.
 *
 * @returns the output names to fetch (all outputs when `fetches` is omitted).
 */
export function validateRun(
  session: Pick<Session, 'inputNames' | 'outputNames' | 'inputSpecs'>,
  feeds: Readonly<Record<string, Tensor>>,
  fetches: readonly string[] | undefined,
  options: RunOptions | undefined,
): readonly string[] {
  if (options?.signal?.aborted) {
    throw new BackendError('BACKEND_ABORTED', 'The run was aborted before it started.', { cause: options.signal.reason });
  }
  const inputs = new Set(session.inputNames);
  for (const name of Object.keys(feeds)) {
    if (!inputs.has(name)) {
      throw new BackendError('BACKEND_UNKNOWN_INPUT', `'${name}' is not an input of this graph; its inputs are ${session.inputNames.join(', ')}.`, {
        details: { name, inputs: [...session.inputNames] },
      });
    }
    if (!isTensor(feeds[name])) {
      throw new BackendError('BACKEND_INPUT_MISMATCH', `Input '${name}' is not a tensor: pass { type, dims, data } (see createTensor).`, { details: { name } });
    }
  }
  const missing = session.inputNames.filter((n) => !(n in feeds));
  if (missing.length > 0) {
    throw new BackendError('BACKEND_MISSING_INPUT', `Missing input(s) ${missing.join(', ')}; this graph needs ${session.inputNames.join(', ')}.`, {
      details: { missing },
    });
  }
  const bindings: DimBindings = new Map();
  for (const spec of session.inputSpecs) {
    const tensor = feeds[spec.name];
    if (tensor === undefined) continue;
    try {
      checkTensor(spec, tensor, bindings);
    } catch (error) {
      if (isCLIPSegError(error)) {
        throw new BackendError('BACKEND_INPUT_MISMATCH', error.message, { cause: error, details: error.details ? { ...error.details } : undefined });
      }
      throw error;
    }
  }
  if (fetches === undefined) return session.outputNames;
  const outputs = new Set(session.outputNames);
  for (const name of fetches) {
    if (!outputs.has(name)) {
      throw new BackendError('BACKEND_UNKNOWN_OUTPUT', `'${name}' is not an output of this graph; its outputs are ${session.outputNames.join(', ')}.`, {
        details: { name, outputs: [...session.outputNames] },
      });
    }
  }
  return fetches;
}

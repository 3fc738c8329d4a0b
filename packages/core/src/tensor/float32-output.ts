import type { Tensor } from './tensor.js';

/**
 * Checks that a run's output is float32 with the expected rank and sizes (`undefined` entries are not
 * checked); on failure, `fail` builds the caller's typed error from a message naming graph, output, expected
 * and actual shape.
 */
export function checkFloat32Output<E extends Error>(
  outputs: Readonly<Record<string, Tensor>>,
  graph: string,
  name: string,
  dims: readonly (number | undefined)[],
  fail: (message: string, details: Record<string, unknown>) => E,
): Tensor<'float32'> {
  const tensor = outputs[name];
  const ok =
    tensor !== undefined &&
    tensor.type === 'float32' &&
    tensor.dims.length === dims.length &&
    dims.every((d, i) => d === undefined || tensor.dims[i] === d) &&
    tensor.data.length === tensor.dims.reduce((n, d) => n * d, 1);
  if (!ok) {
    const got = tensor === undefined ? 'nothing' : `${tensor.type} [${tensor.dims.join(', ')}]`;
    throw fail(`The ${graph} graph returned ${got} for '${name}', expected float32 [${dims.map((d) => d ?? '?').join(', ')}]. The backend or the bundle is broken.`, {
      graph,
      name,
      expected: dims.map((d) => d ?? null),
      actual: tensor === undefined ? null : [...tensor.dims],
    });
  }
  return tensor as Tensor<'float32'>;
}

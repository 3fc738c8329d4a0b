import { createTensor, type Tensor } from '../tensor/tensor.js';
import { PipelineError } from './pipeline-error.js';

/** Rows `[start, end)` of a `[rows, …]` float32 tensor, copied into a new tensor. @internal */
export function sliceRows(tensor: Tensor<'float32'>, start: number, end: number): Tensor<'float32'> {
  const [, ...rest] = tensor.dims;
  const size = rest.reduce((a, b) => a * b, 1);
  return createTensor('float32', [end - start, ...rest], tensor.data.slice(start * size, end * size));
}

/**
 * Runs `run` over consecutive row ranges `[start, end)` of `count` rows, at most `batch` rows each and one at a
 * time, and stacks the float32 results (each `[end - start, …]`, the same trailing dims) into one `[count, …]`
 * tensor. With `count ≤ batch` the single result is returned as is. Only the assembled result and one batch's
 * output are held at once.
 *
 * @throws {@link PipelineError} `PIPELINE_OUTPUT_INVALID` when a batch's trailing dims differ from the first's
 * @internal
 */
export async function runInBatches(
  count: number,
  batch: number,
  graph: string,
  run: (start: number, end: number) => Promise<Tensor<'float32'>>,
): Promise<Tensor<'float32'>> {
  if (count <= batch) return run(0, count);
  let out: Float32Array | undefined;
  let trailing: readonly number[] = [];
  let rowSize = 0;
  for (let start = 0; start < count; start += batch) {
    const end = Math.min(count, start + batch);
    const part = await run(start, end);
    const [, ...rest] = part.dims;
    if (out === undefined) {
      trailing = rest;
      rowSize = rest.reduce((a, b) => a * b, 1);
      out = new Float32Array(count * rowSize);
    } else if (rest.length !== trailing.length || rest.some((d, i) => d !== trailing[i])) {
      throw new PipelineError(
        'PIPELINE_OUTPUT_INVALID',
        `The ${graph} returned [${part.dims.join(', ')}] for rows ${start}…${end - 1} but [${[batch, ...trailing].join(', ')}] for the first rows; a graph's output size must not depend on the batch.`,
        { details: { graph, expected: [end - start, ...trailing], actual: [...part.dims] } },
      );
    }
    out.set(part.data, start * rowSize);
  }
  return createTensor('float32', [count, ...trailing], out!);
}

import { describe, expect, it } from 'vitest';
import { createTensor, isTensor, shapeSize } from './tensor.js';
import { checkTensor, checkTensors, type TensorSpec } from './tensor-spec.js';

const ids: TensorSpec = { name: 'input_ids', type: 'int64', dims: ['batch', 'seq'] };
const pixels: TensorSpec = { name: 'pixel_values', type: 'float32', dims: ['batch', 3, 352, 352] };

describe('createTensor', () => {
  it('allocates zeros, accepts typed arrays and converts number lists', () => {
    expect(createTensor('float32', [2, 3]).data).toEqual(new Float32Array(6));
    expect(createTensor('int64', [2], [1, 2]).data).toEqual(BigInt64Array.from([1n, 2n]));
    expect(createTensor('uint8', [], Uint8Array.of(7)).dims).toEqual([]);
    expect(isTensor(createTensor('int32', [0]))).toBe(true);
    expect(isTensor({ type: 'float32', dims: [1], data: [1] })).toBe(false);
  });
  it('refuses wrong lengths, wrong array types and bad dims', () => {
    expect(() => createTensor('float32', [2, 2], new Float32Array(3))).toThrowError(expect.objectContaining({ code: 'TENSOR_INVALID' }));
    expect(() => createTensor('float32', [2], new Int32Array(2) as unknown as Float32Array)).toThrowError(/Float32Array/);
    expect(() => shapeSize([2, -1])).toThrowError(expect.objectContaining({ code: 'TENSOR_INVALID' }));
    expect(() => shapeSize([1.5])).toThrowError(expect.objectContaining({ code: 'TENSOR_INVALID' }));
  });
});

describe('checkTensor / checkTensors', () => {
  it('binds symbolic dims and accepts matching tensors', () => {
    const b = checkTensors([ids, pixels], {
      input_ids: createTensor('int64', [2, 7]),
      pixel_values: createTensor('float32', [2, 3, 352, 352]),
    });
    expect(Object.fromEntries(b)).toEqual({ batch: 2, seq: 7 });
  });
  it('names the tensor, the expected and the actual dtype', () => {
    expect(() => checkTensor(ids, createTensor('int32', [1, 4]))).toThrowError(/'input_ids' must be int64 \[batch, seq\], got int32 \[1, 4\]/);
  });
  it('names the tensor, the expected and the actual shape', () => {
    expect(() => checkTensor(pixels, createTensor('float32', [1, 3, 224, 224]))).toThrowError(
      /'pixel_values' must have shape \[batch, 3, 352, 352\], got \[1, 3, 224, 224\]/,
    );
    expect(() => checkTensor(pixels, createTensor('float32', [3, 352, 352]))).toThrowError(/rank 4/);
  });
  it('requires symbolic dims to agree across tensors', () => {
    expect(() =>
      checkTensors([ids, pixels], { input_ids: createTensor('int64', [2, 7]), pixel_values: createTensor('float32', [3, 3, 352, 352]) }),
    ).toThrowError(/batch = 3 .* batch = 2/);
  });
  it('reports missing and unexpected tensors', () => {
    expect(() => checkTensors([ids, pixels], { input_ids: createTensor('int64', [1, 1]) })).toThrowError(
      expect.objectContaining({ code: 'TENSOR_MISSING' }),
    );
    expect(() => checkTensors([ids], { input_ids: createTensor('int64', [1, 1]), other: createTensor('uint8', [1]) })).toThrowError(
      expect.objectContaining({ code: 'TENSOR_UNEXPECTED' }),
    );
  });
});

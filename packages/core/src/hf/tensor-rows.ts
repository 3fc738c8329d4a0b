/**
 * Row-wise operations on float32 tensors (the first axis is the batch) used to assemble HF outputs: slicing,
 * gathering, stacking, L2 normalisation and scaled similarity.
 *
 * @module
 */
import { createTensor, type Tensor } from '../tensor/tensor.js';

const rowSize = (t: Tensor): number => t.dims.slice(1).reduce((a, b) => a * b, 1);

/** Rows `indices` of `t`, in that order (an index may repeat). */
export function gatherRows(t: Tensor<'float32'>, indices: readonly number[]): Tensor<'float32'> {
  const size = rowSize(t);
  const out = new Float32Array(indices.length * size);
  indices.forEach((row, i) => out.set(t.data.subarray(row * size, (row + 1) * size), i * size));
  return createTensor('float32', [indices.length, ...t.dims.slice(1)], out);
}

/** Rows `start … start + count − 1` of `t`, copied. */
export function sliceRows<T extends 'float32' | 'int64'>(t: Tensor<T>, start: number, count: number): Tensor<T> {
  const size = rowSize(t);
  return createTensor(t.type, [count, ...t.dims.slice(1)], t.data.slice(start * size, (start + count) * size) as Tensor<T>['data']);
}

/** Stacks tensors of equal row shape along the first axis. */
export function concatRows(parts: readonly Tensor<'float32'>[]): Tensor<'float32'> {
  const first = parts[0]!;
  const total = parts.reduce((n, p) => n + p.data.length, 0);
  const out = new Float32Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p.data, offset);
    offset += p.data.length;
  }
  return createTensor('float32', [parts.reduce((n, p) => n + p.dims[0]!, 0), ...first.dims.slice(1)], out);
}

/** Each row divided by its L2 norm (HF `x / x.norm(p=2, dim=-1, keepdim=True)`), `[rows, width]`. */
export function l2NormalizeRows(t: Tensor<'float32'>): Tensor<'float32'> {
  const [rows, width] = t.dims as [number, number];
  const out = new Float32Array(t.data.length);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let c = 0; c < width; c++) sum += t.data[r * width + c]! ** 2;
    const norm = Math.fround(Math.sqrt(sum));
    for (let c = 0; c < width; c++) out[r * width + c] = t.data[r * width + c]! / norm;
  }
  return createTensor('float32', [rows, width], out);
}

/** `scale · a · bᵀ` for `a` `[n, width]` and `b` `[m, width]`: `[n, m]`. */
export function scaledSimilarity(a: Tensor<'float32'>, b: Tensor<'float32'>, scale: number): Tensor<'float32'> {
  const [n, width] = a.dims as [number, number];
  const m = b.dims[0]!;
  const out = new Float32Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let dot = 0;
      for (let c = 0; c < width; c++) dot += a.data[i * width + c]! * b.data[j * width + c]!;
      out[i * m + j] = Math.fround(dot) * scale;
    }
  }
  return createTensor('float32', [n, m], out);
}

/** The transpose of a `[n, m]` tensor. */
export function transpose2d(t: Tensor<'float32'>): Tensor<'float32'> {
  const [n, m] = t.dims as [number, number];
  const out = new Float32Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) out[j * n + i] = t.data[i * m + j]!;
  return createTensor('float32', [m, n], out);
}

/** Distinct rows of a tensor: `unique` lists the first row of each group, `groupOf[r]` the group of row r. */
export interface RowGroups {
  /** Index of the first row of each distinct group, in order of appearance. */
  readonly unique: readonly number[];
  /** For each row, the index into `unique` of its group. */
  readonly groupOf: readonly number[];
}

/** Groups identical rows (bit-for-bit), so that identical query images are encoded once. */
export function groupIdenticalRows(t: Tensor<'float32'>): RowGroups {
  const size = rowSize(t);
  const rows = t.dims[0]!;
  const bits = new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length);
  const unique: number[] = [];
  const groupOf: number[] = [];
  const same = (a: number, b: number): boolean => {
    for (let i = 0; i < size; i++) if (bits[a * size + i] !== bits[b * size + i]) return false;
    return true;
  };
  for (let r = 0; r < rows; r++) {
    const found = unique.findIndex((u) => same(u, r));
    if (found >= 0) groupOf.push(found);
    else {
      groupOf.push(unique.length);
      unique.push(r);
    }
  }
  return { unique, groupOf };
}

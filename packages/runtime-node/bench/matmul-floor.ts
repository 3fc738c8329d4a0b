// The hardware floor, measured: onnxruntime's MatMul throughput at the vision tower's shapes, with a constant
// (pre-packed) weight as in the real graphs. The model is one MatMul, serialised by hand (a few protobuf fields).
import * as ort from 'onnxruntime-node';
import { stats, timeRuns, type Stats } from './bench-stats.js';

const encoder = new TextEncoder();

function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

const int = (field: number, value: number): number[] => [...varint(field * 8), ...varint(value)];
function bytes(field: number, payload: ArrayLike<number>): number[] {
  return [...varint(field * 8 + 2), ...varint(payload.length), ...Array.from(payload)];
}
const str = (field: number, value: string) => bytes(field, encoder.encode(value));

function tensorType(dims: readonly number[]): number[] {
  const shape = dims.flatMap((d) => bytes(1, int(1, d))); // TensorShapeProto.dim { dim_value }
  return bytes(1, [...int(1, 1), ...bytes(2, shape)]); // TypeProto.tensor_type { elem_type float, shape }
}
const valueInfo = (field: number, name: string, dims: readonly number[]) => bytes(field, [...str(1, name), ...bytes(2, tensorType(dims))]);

/** A model computing `C[M, N] = A[M, K] · B[K, N]` with B a random constant. */
export function matmulModel(m: number, k: number, n: number): Uint8Array {
  const weights = new Float32Array(k * n).map((_, i) => Math.sin(i) * 0.02);
  const raw = new Uint8Array(weights.buffer);
  const head = [...int(2, 1), ...str(8, 'B')]; // TensorProto: dims (below), data_type float, name
  const dims = [...int(1, k), ...int(1, n)];
  const node = bytes(1, [...str(1, 'A'), ...str(1, 'B'), ...str(2, 'C'), ...str(3, 'mm'), ...str(4, 'MatMul')]);
  const graphHead = [...node, ...str(2, 'matmul'), ...valueInfo(11, 'A', [m, k]), ...valueInfo(12, 'C', [m, n])];
  const tensorHead = [...dims, ...head, ...varint(9 * 8 + 2), ...varint(raw.length)];
  const initializerLength = tensorHead.length + raw.length;
  const graphTail = [...varint(5 * 8 + 2), ...varint(initializerLength), ...tensorHead];
  const graphLength = graphHead.length + graphTail.length + raw.length;
  const modelHead = [...int(1, 8), ...bytes(8, [...str(1, ''), ...int(2, 17)]), ...str(2, 'clipseg-bench'), ...varint(7 * 8 + 2), ...varint(graphLength)];
  const out = new Uint8Array(modelHead.length + graphLength);
  out.set(modelHead, 0);
  out.set(graphHead, modelHead.length);
  out.set(graphTail, modelHead.length + graphHead.length);
  out.set(raw, modelHead.length + graphHead.length + graphTail.length);
  return out;
}

/** Throughput of one MatMul shape. */
export interface MatmulThroughput {
  readonly shape: readonly [number, number, number];
  readonly time: Stats;
  /** GFLOP/s at the fastest run (the peak this machine reaches at this shape). */
  readonly gflops: number;
}

/** Times `A[m,k]·B[k,n]` on onnxruntime-node CPU with `threads` intra-op threads. */
export async function measureMatmul(m: number, k: number, n: number, threads: number, warmup = 3, runs = 15): Promise<MatmulThroughput> {
  const session = await ort.InferenceSession.create(matmulModel(m, k, n), { intraOpNumThreads: threads, graphOptimizationLevel: 'all' });
  try {
    const a = new ort.Tensor('float32', new Float32Array(m * k).map((_, i) => Math.cos(i)), [m, k]);
    const time = stats(await timeRuns(() => session.run({ A: a }), warmup, runs));
    return { shape: [m, k, n], time, gflops: Math.round((2 * m * k * n) / (time.min * 1e6)) };
  } finally {
    await session.release();
  }
}

// The hardware floor, measured: onnxruntime's MatMul throughput at the vision tower's shapes, with a constant
// (pre-packed) weights as in the real graphs. The model is a chain of MatMuls, serialised by hand (a few protobuf
// fields), long enough per run that session.run's fixed cost does not count.
import * as ort from 'onnxruntime-node';
import { stats, timeRuns, type RunGuard, type Stats } from './bench-stats.js';

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

function tensor(name: string, rows: number, cols: number, seed: number): { head: number[]; raw: Uint8Array } {
  const weights = new Float32Array(rows * cols).map((_, i) => Math.sin(i + seed) * 0.02);
  const raw = new Uint8Array(weights.buffer);
  // TensorProto: dims, data_type float, name, then raw_data's key and length (the bytes follow)
  return { head: [...int(1, rows), ...int(1, cols), ...int(2, 1), ...str(8, name), ...varint(9 * 8 + 2), ...varint(raw.length)], raw };
}

/**
 * A model of chained MatMuls with constant weights: `x[M, widths[0]] · W0[widths[0], widths[1]] · W1 …`, as in a
 * transformer layer's projections, so that one run is long enough to hide session.run's fixed cost.
 */
export function matmulChainModel(m: number, widths: readonly number[]): Uint8Array {
  const nodes: number[] = [];
  const weights = widths.slice(1).map((n, i) => tensor(`w${i}`, widths[i]!, n, i));
  widths.slice(1).forEach((_, i) => {
    const input = i === 0 ? 'x' : `h${i - 1}`;
    const output = i === widths.length - 2 ? 'y' : `h${i}`;
    nodes.push(...bytes(1, [...str(1, input), ...str(1, `w${i}`), ...str(2, output), ...str(3, `mm${i}`), ...str(4, 'MatMul')]));
  });
  const graphHead = [...nodes, ...str(2, 'matmul-chain'), ...valueInfo(11, 'x', [m, widths[0]!]), ...valueInfo(12, 'y', [m, widths.at(-1)!])];
  const initializers = weights.map((w) => ({ prefix: [...varint(5 * 8 + 2), ...varint(w.head.length + w.raw.length), ...w.head], raw: w.raw }));
  const graphLength = graphHead.length + initializers.reduce((n, i) => n + i.prefix.length + i.raw.length, 0);
  const modelHead = [...int(1, 8), ...bytes(8, [...str(1, ''), ...int(2, 17)]), ...str(2, 'clipseg-bench'), ...varint(7 * 8 + 2), ...varint(graphLength)];
  const out = new Uint8Array(modelHead.length + graphLength);
  out.set(modelHead, 0);
  let at = modelHead.length;
  out.set(graphHead, at);
  at += graphHead.length;
  for (const i of initializers) {
    out.set(i.prefix, at);
    at += i.prefix.length;
    out.set(i.raw, at);
    at += i.raw.length;
  }
  return out;
}

/** Throughput of a MatMul chain. */
export interface MatmulThroughput {
  /** Rows, then the chain's widths (`[485, 768, 3072, 768]`: x[485, 768] · W[768, 3072] · W[3072, 768]). */
  readonly shape: readonly number[];
  readonly time: Stats;
  /** GFLOP/s at the fastest run (the peak this machine reaches at this shape). */
  readonly gflops: number;
}

/** Times a chain of MatMuls (`rows` × `widths`, see {@link matmulChainModel}) on onnxruntime-node CPU. */
export async function measureMatmul(rows: number, widths: readonly number[], threads: number, warmup = 3, runs = 10, guard?: RunGuard): Promise<MatmulThroughput> {
  const session = await ort.InferenceSession.create(matmulChainModel(rows, widths), { intraOpNumThreads: threads, graphOptimizationLevel: 'all' });
  try {
    const x = new ort.Tensor('float32', new Float32Array(rows * widths[0]!).map((_, i) => Math.cos(i)), [rows, widths[0]!]);
    const time = stats(await timeRuns(() => session.run({ x }), warmup, runs, guard));
    const flops = widths.slice(1).reduce((sum, n, i) => sum + 2 * rows * widths[i]! * n, 0);
    return { shape: [rows, ...widths], time, gflops: Math.round(flops / (time.min * 1e6)) };
  } finally {
    await session.release();
  }
}

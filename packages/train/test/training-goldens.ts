/**
 * Readers for the training goldens (`golden/training/`) and the tiny golden model, shared by the golden tests.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckpointReader, CLIPSegGraphConfig } from '@clipseg/convert';

/** One tensor of a safetensors file (float32 or int64). */
export interface LoadedTensor {
  readonly shape: number[];
  readonly data: Float32Array | BigInt64Array;
}

/** The float32 and int64 tensors of a safetensors file. */
export function loadSafetensors(file: string): Map<string, LoadedTensor> {
  const bytes = readFileSync(file);
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  const out = new Map<string, LoadedTensor>();
  for (const [name, e] of Object.entries(header)) {
    if (name === '__metadata__' || (e.dtype !== 'F32' && e.dtype !== 'I64')) continue;
    const buffer = bytes.buffer.slice(bytes.byteOffset + 8 + n + e.data_offsets[0], bytes.byteOffset + 8 + n + e.data_offsets[1]);
    out.set(name, { shape: e.shape, data: e.dtype === 'F32' ? new Float32Array(buffer) : new BigInt64Array(buffer) });
  }
  return out;
}

/** One case of `clipseg-tiny-refined.json`. */
export interface TrainingCase {
  readonly loss_fp64: number;
  readonly grad_names: string[];
  readonly grad_max_abs: Record<string, number>;
}

/** The tiny golden model, its training goldens and the two query images' pixel values. */
export interface TrainingGoldens {
  readonly config: CLIPSegGraphConfig;
  readonly reader: CheckpointReader;
  readonly tensors: Map<string, LoadedTensor>;
  readonly cases: Record<'decoder' | 'full', TrainingCase>;
  /** `pixel_values` `[1, 3, 352, 352]` of chelsea (row 0) and the example image (row 1). */
  readonly pixels: readonly LoadedTensor[];
}

/** Reads everything the training golden tests need from the shared folder. */
export function loadTrainingGoldens(shared: string): TrainingGoldens {
  const dir = join(shared, 'golden/clipseg-tiny-refined');
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as CLIPSegGraphConfig;
  const weights = loadSafetensors(join(dir, 'model.safetensors'));
  const reader: CheckpointReader = {
    source: 'model.safetensors',
    list: () => [...weights].map(([name, t]) => ({ name, dtype: t.data instanceof Float32Array ? 'F32' : 'I64', shape: t.shape })),
    readFloat32: (name) => Promise.resolve(Float32Array.from(weights.get(name)!.data as Float32Array)),
    close: () => Promise.resolve(),
  };
  const tensors = loadSafetensors(join(shared, 'golden/training/clipseg-tiny-refined.safetensors'));
  const cases = (JSON.parse(readFileSync(join(shared, 'golden/training/clipseg-tiny-refined.json'), 'utf8')) as { cases: Record<'decoder' | 'full', TrainingCase> }).cases;
  const pixels = ['chelsea', 'clipseg_example_image'].map((image) => loadSafetensors(join(shared, `golden/processor/${image}.safetensors`)).get('pixel_values')!);
  return { config, reader, tensors, cases, pixels };
}

/**
 * Largest |ours − golden| of parameter `name`; `grads` holds our gradients by initializer name, where a Linear
 * weight is `<name>::T` (stored transposed), whose gradient is the transpose of HF's. Undefined when absent.
 */
export function gradientDiff(grads: ReadonlyMap<string, Float64Array>, name: string, golden: LoadedTensor): number | undefined {
  let ours = grads.get(name);
  const transposed = grads.get(`${name}::T`);
  if (ours === undefined && transposed !== undefined) {
    const [rows, cols] = golden.shape as [number, number];
    ours = new Float64Array(rows * cols);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) ours[r * cols + c] = transposed[c * rows + r]!;
  }
  if (ours === undefined) return undefined;
  const expected = golden.data as Float32Array;
  let diff = 0;
  for (let k = 0; k < expected.length; k++) diff = Math.max(diff, Math.abs(ours[k]! - expected[k]!));
  return Number.isNaN(diff) || ours.length !== expected.length ? Infinity : diff;
}

/** The README's tolerance for a float32 gradient. */
export function gradientTolerance(c: TrainingCase, name: string): number {
  return Math.max(1e-4 * c.grad_max_abs[name]!, 1e-6);
}

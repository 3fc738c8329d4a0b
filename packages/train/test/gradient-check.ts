/**
 * Test harness for gradient rules: builds a small forward graph, adds `loss = Σ y · c` for a fixed random
 * cotangent `c`, appends the gradients, runs them in onnxruntime-node and compares every `grad.*` with central
 * finite differences of the forward graph. In float64 the whole model (inputs, outputs, float initializers, Casts)
 * is widened from float32 to double after writing, since the builder declares float32.
 */
import type { Dim, ValueInfoProtoInit } from '@clipseg/convert/graph';
import { GraphBuilder, onnx, writeModel } from '@clipseg/convert/graph';
import { SeededRandom } from '@clipseg/convert';
import * as ort from 'onnxruntime-node';
import { addGradients } from '../src/autodiff/differentiate.js';
import { readInt64Constants } from '../src/autodiff/shape-inference.js';
import type { GradRule } from '../src/autodiff/grad-context.js';

/** One input of the case: its dims and, optionally, fixed values (else seeded normal values). */
export interface CaseInput {
  readonly dims: readonly number[];
  readonly values?: readonly number[];
  /** Feed as int64 (indices); never differentiated. */
  readonly int64?: boolean;
}

/** A gradient check: forward graph builder, inputs, which inputs to differentiate. */
export interface GradientCase {
  /** Declares nothing itself: gets the input names and returns the output tensor. */
  readonly forward: (g: GraphBuilder, inputs: Readonly<Record<string, string>>) => string;
  readonly inputs: Readonly<Record<string, CaseInput>>;
  /** Dims of the forward output. */
  readonly outputDims: readonly number[];
  /** Inputs to differentiate (default: every float input). */
  readonly wrt?: readonly string[];
  readonly dtype?: 'float32' | 'float64';
  /** Finite-difference step (default 1e-6 in float64, 1e-2 in float32). */
  readonly step?: number;
  readonly seed?: number;
  /** Inputs declared with symbolic dims (`<name>_0`, …) instead of their fixed dims. */
  readonly symbolic?: readonly string[];
  /**
   * Differentiate without the int64 constants' values (`AddGradientsOptions.int64Values`), so that shapes past a
   * Reshape, Slice … are unknown and un-broadcasting is decided at run time. Default false: with them, as the
   * training graphs are built.
   */
  readonly withoutConstants?: boolean;
  /** Replacement rules (to check that a wrong rule is caught). */
  readonly rules?: Readonly<Record<string, GradRule>>;
}

/** Per differentiated input: the largest |analytic − finite difference| and the largest |finite difference|. */
export interface GradientReport {
  readonly maxError: Readonly<Record<string, number>>;
  readonly maxMagnitude: Readonly<Record<string, number>>;
}

const FLOAT = 1;
const DOUBLE = 11;

function widenType(t: ValueInfoProtoInit['type']): void {
  if (t?.tensorType?.elemType === FLOAT) t.tensorType.elemType = DOUBLE;
}

/** Rewrites a float32 model to float64. */
export function toFloat64Model(bytes: Uint8Array): Uint8Array {
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph!;
  for (const v of [...(graph.input ?? []), ...(graph.output ?? []), ...(graph.valueInfo ?? [])]) widenType(v.type);
  for (const t of graph.initializer ?? []) {
    if (t.dataType !== FLOAT) continue;
    const raw = new Uint8Array(t.rawData ?? []);
    const f32 = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
    t.dataType = DOUBLE;
    t.rawData = new Uint8Array(Float64Array.from(f32).buffer);
  }
  for (const n of graph.node ?? []) {
    for (const a of n.attribute ?? []) if (n.opType === 'Cast' && a.name === 'to' && Number(a.i) === FLOAT) a.i = DOUBLE;
  }
  return onnx.ModelProto.encode(model).finish();
}

async function buildModel(c: GradientCase, withGradients: boolean, wrt: readonly string[]): Promise<Uint8Array> {
  const g = new GraphBuilder('gradient-check');
  const names: Record<string, string> = {};
  for (const [name, spec] of Object.entries(c.inputs)) {
    const dims: Dim[] = c.symbolic?.includes(name) === true ? spec.dims.map((_, i) => `${name}_${i}`) : [...spec.dims];
    names[name] = g.input(name, spec.int64 === true ? 'int64' : 'float32', dims);
  }
  const cot = g.input('cotangent', 'float32', c.outputDims as Dim[]);
  const y = c.forward(g, names);
  const loss = g.op('ReduceSum', [g.op('Mul', [y, cot])], { keepdims: 0 }, 'loss');
  g.output(loss, 'float32', []);
  if (withGradients) {
    const int64Values = c.withoutConstants === true ? undefined : await readInt64Constants(g);
    addGradients(g, { loss, wrt, ...(c.rules === undefined ? {} : { rules: c.rules }), ...(int64Values === undefined ? {} : { int64Values }) });
  }
  const bytes = await writeModel(g);
  return c.dtype === 'float32' ? bytes : toFloat64Model(bytes);
}

/** Runs the check and returns the errors (the caller asserts on them). */
export async function checkGradients(c: GradientCase): Promise<GradientReport> {
  const dtype = c.dtype ?? 'float64';
  const step = c.step ?? (dtype === 'float64' ? 1e-6 : 1e-2);
  const rng = new SeededRandom(c.seed ?? 1234);
  const wrt = c.wrt ?? Object.keys(c.inputs).filter((n) => c.inputs[n]!.int64 !== true);
  const count = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);
  const values: Record<string, number[]> = {};
  for (const [name, spec] of Object.entries(c.inputs)) values[name] = spec.values !== undefined ? [...spec.values] : Array.from({ length: count(spec.dims) }, () => rng.nextNormal());
  const cotangent = Array.from({ length: count(c.outputDims) }, () => rng.nextNormal());
  const tensor = (v: readonly number[], dims: readonly number[]): ort.Tensor => (dtype === 'float64' ? new ort.Tensor('float64', Float64Array.from(v), dims) : new ort.Tensor('float32', Float32Array.from(v), dims));
  const feeds = (vals: Record<string, number[]>): Record<string, ort.Tensor> => {
    const out: Record<string, ort.Tensor> = { cotangent: tensor(cotangent, c.outputDims) };
    for (const [name, spec] of Object.entries(c.inputs)) out[name] = spec.int64 === true ? new ort.Tensor('int64', BigInt64Array.from(vals[name]!, (x) => BigInt(x)), spec.dims) : tensor(vals[name]!, spec.dims);
    return out;
  };
  const forward = await ort.InferenceSession.create(await buildModel(c, false, wrt));
  const backward = await ort.InferenceSession.create(await buildModel(c, true, wrt));
  try {
    const analytic = await backward.run(feeds(values));
    const maxError: Record<string, number> = {};
    const maxMagnitude: Record<string, number> = {};
    for (const name of wrt) {
      const grad = analytic[`grad.${name}`];
      if (grad === undefined) throw new Error(`no grad.${name} output`);
      let err = 0;
      let mag = 0;
      for (let k = 0; k < values[name]!.length; k++) {
        const at = (delta: number): Promise<number> => {
          const shifted = { ...values, [name]: values[name]!.map((v, j) => (j === k ? v + delta : v)) };
          return forward.run(feeds(shifted)).then((r) => Number((r['loss']!.data as Float64Array | Float32Array)[0]));
        };
        const fd = ((await at(step)) - (await at(-step))) / (2 * step);
        err = Math.max(err, Math.abs(Number((grad.data as Float64Array)[k]) - fd));
        mag = Math.max(mag, Math.abs(fd));
      }
      maxError[name] = err;
      maxMagnitude[name] = mag;
    }
    return { maxError, maxMagnitude };
  } finally {
    await forward.release();
    await backward.release();
  }
}

/** The largest error of a report over all differentiated inputs; logs every input's error when GRAD_REPORT is set. */
export function worstError(label: string, report: GradientReport): number {
  if (process.env['GRAD_REPORT'] !== undefined) console.log(`GRAD_REPORT ${label} ${JSON.stringify(report.maxError)}`);
  return Math.max(...Object.values(report.maxError));
}

import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { float } from './attributes.js';
import { float16ToFloat32, float32ToFloat16 } from './float16.js';
import { GraphBuilder } from './graph-builder.js';
import { ONNX_IR_VERSION, ONNX_OPSET, writeModel } from './model-writer.js';
import { onnx } from './onnx-proto.js';
import { varintLength, writeVarint } from './protobuf-wire.js';

async function run(model: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<ort.InferenceSession.OnnxValueMapType> {
  const session = await ort.InferenceSession.create(model);
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

/** y = LayerNorm(x · Wᵀ + b) over a symbolic [batch, seq, 3] input; W can be stored as float16. */
function linearNormGraph(storeAs?: 'float16'): GraphBuilder {
  const g = new GraphBuilder('test');
  const x = g.input('x', 'float32', ['batch', 'seq', 3]);
  const w = g.initializer('w', 'float32', [3, 2], () => Promise.resolve(Float32Array.of(1, 2, 3, 4, 5, 6.001)), storeAs ? { storeAs } : {});
  const b = g.initializer('b', 'float32', [2], Float32Array.of(0.5, -0.5));
  const y = g.scope('block', () => g.op('Add', [g.op('MatMul', [x, w]), b]));
  const n = g.op('LayerNormalization', [y, g.constFloat32([1, 1]), g.constFloat32([0, 0])], { axis: -1, epsilon: float(1e-5) });
  g.op('Identity', [n], {}, 'y');
  g.op('Identity', [y], {}, 'raw');
  g.output('y', 'float32', ['batch', 'seq', 2]);
  g.output('raw', 'float32', ['batch', 'seq', 2]);
  return g;
}

describe('float16', () => {
  it('rounds to nearest even, keeps specials, saturates to infinity', () => {
    const values = Float32Array.of(0, -0, 1, -2.5, 65504, 65520, 1e6, 2 ** -24, 2 ** -25, 3 * 2 ** -26, 1 / 3, Infinity, -Infinity, NaN, 1 + 2 ** -11, 1 + 3 * 2 ** -11);
    const half = float32ToFloat16(values);
    expect(Array.from(half.slice(0, 5))).toEqual([0x0000, 0x8000, 0x3c00, 0xc100, 0x7bff]);
    const back = float16ToFloat32(half);
    expect(Array.from(back.slice(5, 10))).toEqual([Infinity, Infinity, 2 ** -24, 0, 2 ** -24]);
    expect(back[10]).toBeCloseTo(1 / 3, 3);
    expect(Array.from(back.slice(11, 13))).toEqual([Infinity, -Infinity]);
    expect(Number.isNaN(back[13])).toBe(true);
    // ties to even: 1 + 2^-11 lies halfway between 1 and 1 + 2^-10 → 1; 1 + 3·2^-11 → 1 + 2^-9
    expect(back[14]).toBe(1);
    expect(back[15]).toBe(1 + 2 ** -9);
  });
  it('is exact for every float16 value', () => {
    const all = Uint16Array.from({ length: 0x7c00 }, (_, i) => i);
    expect(float32ToFloat16(float16ToFloat32(all))).toEqual(all);
  });
});

describe('protobuf varints', () => {
  it('writes multi-byte varints', () => {
    const out = new Uint8Array(8);
    expect(writeVarint(out, 0, 300)).toBe(2);
    expect(Array.from(out.slice(0, 2))).toEqual([0xac, 0x02]);
    expect(varintLength(2 ** 31)).toBe(5);
    expect(writeVarint(out, 0, 2 ** 31)).toBe(5);
    expect(Array.from(out.slice(0, 5))).toEqual([0x80, 0x80, 0x80, 0x80, 0x08]);
  });
});

describe('GraphBuilder + writeModel', () => {
  it('writes a model that onnx-proto decodes, with symbolic dims, opset 17 and the hand-framed weights', async () => {
    const progress: number[] = [];
    const bytes = await writeModel(linearNormGraph(), { metadata: { k: 'v' }, onProgress: (p) => progress.push(p.tensorsDone) });
    const model = onnx.ModelProto.decode(bytes);
    expect(Number(model.irVersion)).toBe(ONNX_IR_VERSION);
    expect(model.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', ONNX_OPSET]]);
    expect(model.metadataProps).toEqual([expect.objectContaining({ key: 'k', value: 'v' })]);
    const graph = model.graph as ReturnType<typeof onnx.GraphProto.decode>;
    expect(graph.input[0]!.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue))).toEqual(['batch', 'seq', 3]);
    const w = graph.initializer.find((t) => t.name === 'w')!;
    expect(Array.from(new Float32Array(w.rawData!.slice().buffer))).toEqual(Array.from(Float32Array.of(1, 2, 3, 4, 5, 6.001)));
    expect(graph.node.some((n) => n.name!.startsWith('block/'))).toBe(true);
    expect(progress).toEqual([1, 2, 3, 4]);
  });

  it('runs in onnxruntime at any batch and sequence length', async () => {
    const bytes = await writeModel(linearNormGraph());
    const x = Float32Array.from({ length: 2 * 5 * 3 }, (_, i) => Math.sin(i));
    const out = await run(bytes, { x: new ort.Tensor('float32', x, [2, 5, 3]) });
    const raw = out.raw!.data as Float32Array;
    const y = out.y!.data as Float32Array;
    expect(out.y!.dims).toEqual([2, 5, 2]);
    const W = [1, 2, 3, 4, 5, 6.001];
    for (let r = 0; r < 10; r++) {
      const a = x[3 * r]! * W[0]! + x[3 * r + 1]! * W[2]! + x[3 * r + 2]! * W[4]! + 0.5;
      const c = x[3 * r]! * W[1]! + x[3 * r + 1]! * W[3]! + x[3 * r + 2]! * W[5]! - 0.5;
      expect(raw[2 * r]).toBeCloseTo(a, 5);
      expect(raw[2 * r + 1]).toBeCloseTo(c, 5);
      const std = Math.sqrt(((a - c) / 2) ** 2 + 1e-5);
      expect(y[2 * r]).toBeCloseTo((a - c) / 2 / std, 4);
    }
  });

  it('stores float16 weights with a Cast and computes in float32', async () => {
    const bytes = await writeModel(linearNormGraph('float16'));
    const graph = onnx.ModelProto.decode(bytes).graph as ReturnType<typeof onnx.GraphProto.decode>;
    const w = graph.initializer.find((t) => t.name === 'w::fp16')!;
    expect(w.dataType).toBe(onnx.TensorProto.DataType.FLOAT16);
    expect(w.rawData!.length).toBe(12);
    expect(graph.node[0]!.opType).toBe('Cast');
    const out = await run(bytes, { x: new ort.Tensor('float32', Float32Array.of(0, 0, 1), [1, 1, 3]) });
    // 6.001 rounds to 6 in float16
    expect(Array.from(out.raw!.data as Float32Array)).toEqual([5.5, 5.5]);
  });

  it('refuses undefined inputs, duplicate names, integer attributes given fractions and wrong data', () => {
    const g = new GraphBuilder('bad');
    const x = g.input('x', 'float32', [1]);
    expect(() => g.op('Relu', ['nope'])).toThrow(/uses 'nope' before it is defined/);
    expect(() => g.input('x', 'float32', [1])).toThrow(/defined twice/);
    expect(() => g.op('Softmax', [x], { axis: 0.5 })).toThrow(/INT attribute/);
    expect(() => g.initializer('w', 'float32', [2], Float32Array.of(1))).toThrow(/needs 2 values/);
    expect(() => g.initializer('v', 'float32', [1], Int32Array.of(1))).toThrow(/needs float32 data/);
    expect(() => g.output('missing', 'float32', [1])).toThrow(/never produced/);
  });

  it('shares identical constants', () => {
    const g = new GraphBuilder('c');
    expect(g.constInt64([0, 0, 4])).toBe(g.constInt64([0, 0, 4]));
    expect(g.constInt64([1], [])).not.toBe(g.constInt64([1]));
  });
});

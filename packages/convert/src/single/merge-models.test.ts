import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../onnx/graph-builder.js';
import { writeModel } from '../onnx/model-writer.js';
import { onnx } from '../onnx/onnx-proto.js';
import { mergeModels } from './merge-models.js';

/** `y = x · w + b` with a constant shared name (`const_i64`) in every part, to prove prefixes keep them apart. */
async function affine(name: string, w: number, b: number, input = 'x', output = 'y'): Promise<Uint8Array> {
  const g = new GraphBuilder(name);
  const x = g.input(input, 'float32', ['n', 2]);
  const flat = g.op('Reshape', [x, g.constInt64([-1, 2])]);
  g.op('Add', [g.op('Mul', [flat, g.initializer('w', 'float32', [2], Float32Array.of(w, w))]), g.initializer('b', 'float32', [2], Float32Array.of(b, b))], {}, output);
  g.output(output, 'float32', ['n', 2]);
  return writeModel(g);
}

async function run(model: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(model);
  try {
    return (await session.run(feeds)) as Record<string, ort.Tensor>;
  } finally {
    await session.release();
  }
}

const input = (values: number[]) => new ort.Tensor('float32', Float32Array.from(values), [values.length / 2, 2]);

describe('mergeModels', () => {
  it('chains parts, keeps their weights apart and declares the merged I/O', async () => {
    const first = await affine('first', 2, 1);
    const second = await affine('second', 10, 0);
    const merged = mergeModels(
      [
        { model: first, prefix: 'first/', outputs: { y: 'hidden' } },
        { model: second, prefix: 'second/', inputs: { x: 'hidden' }, outputs: { y: 'out' } },
      ],
      { inputs: [{ name: 'x' }, { name: 'unused', type: 'int64', dims: ['n'] }], outputs: ['out', 'hidden'], metadata: { k: 'v' } },
    );
    const session = await ort.InferenceSession.create(merged);
    expect(session.inputNames).toEqual(['x', 'unused']);
    expect(session.outputNames).toEqual(['out', 'hidden']);
    const { out, hidden } = (await session.run({ x: input([1, 2, 3, 4]), unused: new ort.Tensor('int64', new BigInt64Array(2), [2]) })) as Record<string, ort.Tensor>;
    await session.release();
    expect(Array.from(hidden!.data as Float32Array)).toEqual([3, 5, 7, 9]);
    expect(Array.from(out!.data as Float32Array)).toEqual([30, 50, 70, 90]);
    const model = onnx.ModelProto.decode(merged);
    expect(model.metadataProps.map((p) => [p.key, p.value])).toEqual([['k', 'v']]);
    expect((model.graph!.initializer ?? []).map((t) => t.name).sort()).toEqual(['first/b', 'first/const_i64', 'first/w', 'second/b', 'second/const_i64', 'second/w']);
  });

  it('overrides the shape of a bound input', async () => {
    const merged = mergeModels([{ model: await affine('a', 1, 0), prefix: 'a/', outputs: { y: 'y' } }], { inputs: [{ name: 'x', dims: [1, 2] }], outputs: ['y'] });
    const dims = onnx.ModelProto.decode(merged).graph!.input![0]!.type!.tensorType!.shape!.dim!.map((d) => Number(d.dimValue));
    expect(dims).toEqual([1, 2]);
    expect(Array.from((await run(merged, { x: input([1, 2]) })).y!.data as Float32Array)).toEqual([1, 2]);
  });

  it('gives typed errors', async () => {
    const a = await affine('a', 1, 0);
    const ok = { inputs: [{ name: 'x' }], outputs: ['a/y'] };
    expect(() => mergeModels([{ model: Uint8Array.of(0xff, 0xff, 0xff), prefix: 'bad/' }], ok)).toThrow(expect.objectContaining({ code: 'MERGE_INVALID_MODEL' }));
    expect(() => mergeModels([{ model: a, prefix: 'a/', inputs: { x: 'nowhere' } }], ok)).toThrow(expect.objectContaining({ code: 'MERGE_UNKNOWN_VALUE' }));
    expect(() => mergeModels([{ model: a, prefix: 'a/' }], { inputs: [{ name: 'x' }], outputs: ['missing'] })).toThrow(expect.objectContaining({ code: 'MERGE_UNKNOWN_VALUE' }));
    expect(() => mergeModels([{ model: a, prefix: 'a/' }], { inputs: [{ name: 'x' }, { name: 'free' }], outputs: ['a/y'] })).toThrow(
      expect.objectContaining({ code: 'MERGE_UNKNOWN_VALUE' }),
    );
    expect(() =>
      mergeModels(
        [
          { model: a, prefix: 'a/', outputs: { y: 'same' } },
          { model: a, prefix: 'b/', outputs: { y: 'same' } },
        ],
        { inputs: [{ name: 'x' }], outputs: ['same'] },
      ),
    ).toThrow(expect.objectContaining({ code: 'MERGE_NAME_CLASH' }));

    const other = onnx.ModelProto.decode(a);
    other.opsetImport = [{ domain: '', version: 13 }];
    const opset13 = onnx.ModelProto.encode(other).finish();
    expect(() => mergeModels([{ model: a, prefix: 'a/' }, { model: opset13, prefix: 'b/' }], ok)).toThrow(expect.objectContaining({ code: 'MERGE_OPSET_MISMATCH' }));

    const withSubgraph = onnx.ModelProto.decode(a);
    withSubgraph.graph!.node!.push(onnx.NodeProto.create({ opType: 'If', input: ['x'], output: ['z'], attribute: [{ name: 'then_branch', type: 5, g: { name: 'g' } }] }));
    expect(() => mergeModels([{ model: onnx.ModelProto.encode(withSubgraph).finish(), prefix: 'a/' }], ok)).toThrow(expect.objectContaining({ code: 'MERGE_UNSUPPORTED' }));
  });
});

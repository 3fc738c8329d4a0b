import { ProtobufWriter } from './protobuf-writer.js';

/** ONNX TensorProto.DataType values used by the fixture. */
const ONNX_FLOAT = 1;
const ONNX_INT64 = 7;

type Dim = number | string;

function valueInfo(w: ProtobufWriter, field: number, name: string, elemType: number, dims: readonly Dim[]): void {
  w.message(field, (vi) => {
    vi.string(1, name);
    vi.message(2, (type) =>
      type.message(1, (tensor) => {
        tensor.uint(1, elemType);
        tensor.message(2, (shape) => {
          for (const d of dims) shape.message(1, (dim) => (typeof d === 'number' ? dim.uint(1, d) : dim.string(2, d)));
        });
      }),
    );
  });
}

function initializer(w: ProtobufWriter, name: string, elemType: number, dims: readonly number[], raw: Uint8Array): void {
  w.message(5, (t) => {
    for (const d of dims) t.uint(1, d);
    t.uint(2, elemType);
    t.string(8, name);
    t.bytes(9, raw);
  });
}

function node(w: ProtobufWriter, op: string, inputs: readonly string[], outputs: readonly string[], name: string): void {
  w.message(1, (n) => {
    for (const i of inputs) n.string(1, i);
    for (const o of outputs) n.string(2, o);
    n.string(3, name);
    n.string(4, op);
  });
}

/** Scale and bias the fixture applies: `y = x * CONTRACT_SCALE + CONTRACT_BIAS` (broadcast over the last axis). */
export const CONTRACT_SCALE: readonly number[] = [2, -1, 0.5];
/** See {@link CONTRACT_SCALE}. */
export const CONTRACT_BIAS: readonly number[] = [1, 0, -3];

/**
 * The contract suite's model, as ONNX bytes (IR 8, opset 17):
 * inputs `x` float32 [batch, 3] and `ids` int64 [batch, seq];
 * outputs `y = x * scale + bias` float32 [batch, 3] and `ids_plus = ids + 1` int64 [batch, seq].
 */
export function contractFixtureModel(): Uint8Array {
  const model = new ProtobufWriter();
  model.uint(1, 8);
  model.string(2, 'clipseg-contract-fixture');
  model.message(7, (g) => {
    node(g, 'Mul', ['x', 'scale'], ['scaled'], 'mul');
    node(g, 'Add', ['scaled', 'bias'], ['y'], 'add');
    node(g, 'Add', ['ids', 'one'], ['ids_plus'], 'add_ids');
    g.string(2, 'contract_fixture');
    initializer(g, 'scale', ONNX_FLOAT, [3], new Uint8Array(Float32Array.from(CONTRACT_SCALE).buffer));
    initializer(g, 'bias', ONNX_FLOAT, [3], new Uint8Array(Float32Array.from(CONTRACT_BIAS).buffer));
    initializer(g, 'one', ONNX_INT64, [], new Uint8Array(BigInt64Array.from([1n]).buffer));
    valueInfo(g, 11, 'x', ONNX_FLOAT, ['batch', 3]);
    valueInfo(g, 11, 'ids', ONNX_INT64, ['batch', 'seq']);
    valueInfo(g, 12, 'y', ONNX_FLOAT, ['batch', 3]);
    valueInfo(g, 12, 'ids_plus', ONNX_INT64, ['batch', 'seq']);
  });
  model.message(8, (op) => op.uint(2, 17));
  return model.finish();
}

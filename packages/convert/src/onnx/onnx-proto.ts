/**
 * The `onnx` protobuf namespace from `onnx-proto` (a CommonJS package), re-exported with its message types so the
 * rest of the converter imports it from one place.
 *
 * @module
 */
import onnxProto from 'onnx-proto';

/** The generated ONNX protobuf classes (`ModelProto`, `GraphProto`, `TensorProto`, …). */
export const onnx = onnxProto.onnx;

/** A node, as onnx-proto accepts it. */
export type NodeProtoInit = onnxProto.onnx.INodeProto;
/** An attribute, as onnx-proto accepts it. */
export type AttributeProtoInit = onnxProto.onnx.IAttributeProto;
/** A graph input or output, as onnx-proto accepts it. */
export type ValueInfoProtoInit = onnxProto.onnx.IValueInfoProto;
/** A model, as onnx-proto accepts it. */
export type ModelProtoInit = onnxProto.onnx.IModelProto;
/** A graph, as onnx-proto accepts it. */
export type GraphProtoInit = onnxProto.onnx.IGraphProto;
/** A tensor, as onnx-proto accepts it. */
export type TensorProtoInit = onnxProto.onnx.ITensorProto;

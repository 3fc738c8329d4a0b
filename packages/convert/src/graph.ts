/**
 * `@clipseg/convert/graph`: the ONNX graph builder and model writer the converter uses, for packages that build
 * graphs of their own (e.g. `@clipseg/train`'s training graphs). Runtime-agnostic like the rest of the converter.
 *
 * @packageDocumentation
 */
export { GraphBuilder } from './onnx/graph-builder.js';
export type { DataProvider, Dim, InitializerEntry, InitializerOptions } from './onnx/graph-builder.js';
export { ONNX_IR_VERSION, ONNX_OPSET, writeModel } from './onnx/model-writer.js';
export type { WriteModelOptions, WriteProgress } from './onnx/model-writer.js';
export { float, floats, toAttributeProto } from './onnx/attributes.js';
export type { AttributeValue, Attributes, FloatAttribute, FloatsAttribute } from './onnx/attributes.js';
export { ONNX_DATA_TYPE_CODES, elementCount } from './onnx/data-type.js';
export type { OnnxDataType, OnnxTypedArray } from './onnx/data-type.js';
export { onnx } from './onnx/onnx-proto.js';
export type { AttributeProtoInit, GraphProtoInit, ModelProtoInit, NodeProtoInit, TensorProtoInit, ValueInfoProtoInit } from './onnx/onnx-proto.js';

// The CLIPSeg graphs as builders (parameters as initializers named by HF, Linear weights stored transposed as
// `<name>::T`), for training graphs that append a loss and gradients to them.
export { buildDecoderGraph } from './graphs/decoder-graph.js';
export type { DecoderGraphOptions } from './graphs/decoder-graph.js';
export { WeightStore } from './graphs/weight-store.js';
export { buildTextEncoderGraph } from './graphs/text-encoder-graph.js';
export { buildVisionEncoderGraph } from './graphs/vision-encoder-graph.js';
export { buildImageProjectorGraph } from './graphs/image-projector-graph.js';

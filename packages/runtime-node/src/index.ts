/**
 * `@clipseg/runtime-node`: CLIPSeg on Node.js through onnxruntime-node.
 *
 * @packageDocumentation
 */
export { availableExecutionProviders, createNodeBackend } from './backend/onnxruntime-node-backend.js';
export type { NodeBackendOptions } from './backend/onnxruntime-node-backend.js';

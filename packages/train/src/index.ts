/**
 * `@clipseg/train`: teach CLIPSeg from TypeScript. Training graphs (forward pass, reverse-mode gradients and the
 * loss as one ONNX inference graph) run on the same onnxruntime backends as inference, in Node and in the browser.
 * Runtime-agnostic: no DOM, no `node:`.
 *
 * Work in progress (issue 16): the reverse-mode differentiator and the dataset readers land first.
 *
 * @packageDocumentation
 */
export {};

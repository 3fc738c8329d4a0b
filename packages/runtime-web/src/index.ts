/**
 * `@clipseg/runtime-web`: CLIPSeg in the browser on onnxruntime-web: WASM (SIMD, threads) and WebGPU backends, fetch loading with progress and caching, worker support.
 *
 * Not implemented yet: this module deliberately exports nothing.
 *
 * @packageDocumentation
 */
export {};

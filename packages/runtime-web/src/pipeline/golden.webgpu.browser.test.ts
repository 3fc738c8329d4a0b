import { createWebGpuBackend } from '../webgpu.js';
import { goldenSuite } from '../../test/golden-suite.js';
import { ortUrl } from '../../test/browser-fixtures.js';

// Runs in the chromium-webgpu instance (--enable-unsafe-webgpu: SwiftShader, CPU-emulated WebGPU, ~10 s per vision
// run here). The fp16-vs-fp32 comparison runs on WASM only, to keep CI time down.
goldenSuite('onnxruntime-web WebGPU (SwiftShader)', () => createWebGpuBackend({ wasmPaths: ortUrl }), 'webgpu', { timeout: 300_000, fp16: false });

import { createWebGpuBackend } from '../webgpu.js';
import { goldenSuite } from '../../test/golden-suite.js';
import { ortUrl } from '../../test/browser-fixtures.js';

// Runs in the chromium-webgpu instance (--enable-unsafe-webgpu: SwiftShader, CPU-emulated WebGPU).
goldenSuite('onnxruntime-web WebGPU (SwiftShader)', () => createWebGpuBackend({ wasmPaths: ortUrl }), 'webgpu');

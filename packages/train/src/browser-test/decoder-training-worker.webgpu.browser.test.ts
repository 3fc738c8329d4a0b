// Decoder training inside a Web Worker on onnxruntime-web's WebGPU build, against the PyTorch training goldens (see
// test/browser/worker-training-suite.ts). Runs in the chromium-webgpu instance (--enable-unsafe-webgpu: SwiftShader,
// a CPU-emulated GPU), so it checks the numbers of the WebGPU kernels, not their speed.
import { workerTrainingSuite } from '../../test/browser/worker-training-suite.js';

workerTrainingSuite('onnxruntime-web WebGPU (SwiftShader)', 'webgpu', { timeout: 600_000 });

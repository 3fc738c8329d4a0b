// Decoder training inside a Web Worker on onnxruntime-web WASM (2 threads), against the PyTorch training goldens:
// see test/browser/worker-training-suite.ts.
import { workerTrainingSuite } from '../../test/browser/worker-training-suite.js';

workerTrainingSuite('onnxruntime-web WASM', 'wasm');

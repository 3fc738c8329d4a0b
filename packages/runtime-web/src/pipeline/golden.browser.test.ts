import { createWasmBackend } from '../wasm.js';
import { goldenSuite } from '../../test/golden-suite.js';
import { ortUrl } from '../../test/browser-fixtures.js';

// Two WASM threads: the test page is cross-origin isolated (COOP/COEP in vitest.config.ts).
goldenSuite('onnxruntime-web WASM (2 threads)', () => createWasmBackend({ wasmPaths: ortUrl, numThreads: 2 }), 'wasm');

// The worker module of the worker tests: what an app's `clipseg.worker.ts` looks like.
import { serveCLIPSeg } from '../src/worker.js';
import { createWasmBackend } from '../src/wasm.js';

serveCLIPSeg({ backend: (options) => createWasmBackend(options) });

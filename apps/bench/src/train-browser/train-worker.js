/* global self, fetch, TextDecoder */
// The worker of train-browser.bench.ts: the same fine-tuning steps as the Node workload (train-browser-steps.ts) on
// @clipseg/runtime-web's WASM backend (onnxruntime-web, `threads` threads; the page is cross-origin isolated).
import { createWasmBackend } from '@clipseg/runtime-web/wasm';
import { measureTrainingSteps, TRAIN_FILES } from '../train-browser-steps.ts';

async function bytes(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

async function run({ dir, threads, warmup, runs }) {
  const warnings = [];
  const backend = createWasmBackend({ numThreads: threads, onWarning: (w) => warnings.push(w) });
  const status = await backend.init();
  const [config, decoder, batch] = await Promise.all([TRAIN_FILES.config, TRAIN_FILES.decoder, TRAIN_FILES.batch].map((name) => bytes(`${dir}${name}`)));
  const result = await measureTrainingSteps(backend, '@clipseg/runtime-web (onnxruntime-web, WASM)', { config: JSON.parse(new TextDecoder().decode(config)), decoder, batch }, { warmup, runs });
  return { ...result, threads: status.threads, threadsReason: status.threadsReason, ortVersion: status.ortVersion, warnings };
}

self.onmessage = ({ data }) => {
  run(data).then(
    (result) => self.postMessage({ ok: true, result }),
    (error) => self.postMessage({ ok: false, error: `${error?.name}: ${error?.message}\n${error?.stack ?? ''}` }),
  );
};

/* global window, document, location, navigator, URL, URLSearchParams, Worker */
// The page of train-browser.bench.ts: starts the training worker (train-worker.js) on a prepared model folder and
// puts its result in `window.__bench`. Plain JavaScript because this workspace's type check has no DOM.
const params = new URLSearchParams(location.search);
const request = {
  dir: params.get('dir'),
  threads: Number(params.get('threads') ?? '2'),
  warmup: Number(params.get('warmup') ?? '1'),
  runs: Number(params.get('runs') ?? '5'),
};

function finish(outcome) {
  window.__bench = { done: true, crossOriginIsolated: globalThis.crossOriginIsolated === true, userAgent: navigator.userAgent, ...outcome };
  document.getElementById('status').textContent = outcome.error ? 'failed' : 'done';
}

const worker = new Worker(new URL('./train-worker.js', import.meta.url), { type: 'module' });
worker.onmessage = ({ data }) => finish(data.ok ? { result: data.result } : { error: data.error });
worker.onerror = (event) => finish({ error: `the worker failed to start: ${event.message}` });
worker.postMessage(request);

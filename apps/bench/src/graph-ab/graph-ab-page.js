/* global window, location, URLSearchParams, performance */
// The page of graph-ab.bench.ts: raw onnxruntime-web sessions (no CLIPSeg code), one per model URL, run in turn on
// the same inputs so that each gets the same conditions. Inputs follow our graph contracts: pixel_values, input_ids
// (8 tokens), or the decoder's activations + conditional_embeddings; K is the prompt count. Result in window.__ab.
const ort = await import('onnxruntime-web');
const params = new URLSearchParams(location.search);
const models = params.get('models').split(',');
const prompts = params.get('prompts').split(',').map(Number);
const runs = Number(params.get('runs'));
ort.env.wasm.numThreads = Number(params.get('threads'));
ort.env.wasm.wasmPaths = params.get('wasm');

function seeded(n, scale) {
  const a = new Float32Array(n);
  let x = 1;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    a[i] = (x / 2147483648 - 0.5) * scale;
  }
  return a;
}

function feedsFor(session, k) {
  if (session.inputNames.includes('pixel_values')) return { pixel_values: new ort.Tensor('float32', seeded(3 * 352 * 352, 2), [1, 3, 352, 352]) };
  if (session.inputNames.includes('input_ids')) {
    const ids = BigInt64Array.from({ length: k * 8 }, (_, i) => BigInt(i % 8 === 0 ? 49406 : i % 8 === 7 ? 49407 : 320 + (i % 97)));
    return { input_ids: new ort.Tensor('int64', ids, [k, 8]) };
  }
  const feeds = { conditional_embeddings: new ort.Tensor('float32', seeded(k * 512, 0.5), [k, 512]) };
  for (const name of session.inputNames.filter((n) => n.startsWith('activation_'))) feeds[name] = new ort.Tensor('float32', seeded(485 * 768, 2), [1, 485, 768]);
  return feeds;
}

try {
  const sessions = [];
  for (const url of models) sessions.push(await ort.InferenceSession.create(url, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' }));
  const result = {};
  for (const k of prompts) {
    const feeds = sessions.map((s) => feedsFor(s, k));
    for (const [i, s] of sessions.entries()) for (let w = 0; w < 2; w++) await s.run(feeds[i]);
    const times = sessions.map(() => []);
    for (let r = 0; r < runs; r++) {
      for (const [i, s] of sessions.entries()) {
        const start = performance.now();
        await s.run(feeds[i]);
        times[i].push(performance.now() - start);
      }
    }
    result[k] = times;
  }
  window.__ab = { result };
} catch (error) {
  window.__ab = { error: String(error) };
}

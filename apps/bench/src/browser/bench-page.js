/* global window, document, location, navigator, URLSearchParams */
// The browser side of browser.bench.ts: @clipseg/runtime-web on the same bundle and image as the Node workload
// (ours-workload.ts), same prompts, same measurements. Plain JavaScript because this workspace's type check has no
// DOM; Vite serves it with the sources of runtime-web, processor and core. The result lands in `window.__bench`.
import { decodeImage, loadCLIPSeg, probeWebGpuAdapter } from '@clipseg/runtime-web';
import { createWasmBackend } from '@clipseg/runtime-web/wasm';
import { createWebGpuBackend } from '@clipseg/runtime-web/webgpu';
import { logitsToBinaryMasks } from '@clipseg/processor';
import { BENCH_PROMPTS, NEW_PROMPT, PROMPT_COUNTS, stats, timeOnce, timeRuns } from '../bench-stats.ts';

const params = new URLSearchParams(location.search);
const bundle = params.get('bundle');
const image = params.get('image');
const provider = params.get('provider') ?? 'wasm';
const threads = Number(params.get('threads') ?? '2');
const warmup = Number(params.get('warmup') ?? '2');
const runs = Number(params.get('runs') ?? '7');

async function run() {
  const warnings = [];
  const webgpu = await probeWebGpuAdapter().catch((error) => ({ error: String(error) }));
  const backend =
    provider === 'webgpu'
      ? createWebGpuBackend({ numThreads: threads, onWarning: (w) => warnings.push(w) })
      : createWasmBackend({ numThreads: threads, onWarning: (w) => warnings.push(w) });
  let seg;
  const loadMs = await timeOnce(async () => {
    seg = await loadCLIPSeg(bundle, { backend, cache: false, integrity: 'size', textCacheSize: 0 });
  });
  const decoded = await decodeImage(image);
  const encode = stats(await timeRuns(async () => (await seg.encodeImage(decoded)).dispose(), warmup, runs));
  const handle = await seg.encodeImage(decoded);
  const newPrompt = stats(
    await timeRuns(
      async () => {
        const result = await seg.segment(handle, NEW_PROMPT);
        logitsToBinaryMasks(result.logits, { size: result.imageSize, threshold: 0.5 });
      },
      warmup,
      runs,
    ),
  );
  const probe = await seg.segment(handle, NEW_PROMPT);
  // The parts, as the Node workload measures them: tokenizer + text tower; the decoder alone for 1 and 16 prompts.
  const embedding = (await seg.embed(NEW_PROMPT)).data;
  const newPromptParts = {
    text: stats(await timeRuns(() => seg.embed(NEW_PROMPT), warmup, runs)),
    decoder: stats(await timeRuns(() => seg.segment(handle, { embedding }), warmup, runs)),
  };
  const embeddings16 = (await seg.embed(BENCH_PROMPTS)).data;
  const prompts16 = BENCH_PROMPTS.map((_, i) => ({ embedding: embeddings16.slice(i * embedding.length, (i + 1) * embedding.length) }));
  const decoder16 = stats(await timeRuns(() => seg.segment(handle, prompts16), warmup, runs));
  handle.dispose();
  const e2e = {};
  for (const k of PROMPT_COUNTS) {
    const prompts = BENCH_PROMPTS.slice(0, k);
    e2e[k] = stats(
      await timeRuns(
        async () => {
          const img = await decodeImage(image);
          const result = await seg.segmentImage(img, prompts);
          logitsToBinaryMasks(result.logits, { size: result.imageSize, threshold: 0.5 });
        },
        warmup,
        runs,
      ),
    );
  }
  const data = probe.logits.data;
  const count = probe.logits.dims[1] * probe.logits.dims[2];
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < count; i++) {
    sum += data[i];
    sq += data[i] * data[i];
  }
  const mean = sum / count;
  const sessionInfo = seg.sessionInfo;
  await seg.dispose();
  return {
    library: `@clipseg/runtime-web (${provider})`,
    loadMs: Math.round(loadMs),
    encode,
    newPrompt,
    newPromptParts,
    decoder16,
    e2e,
    peakRssMb: 0,
    foreignLoad: undefined,
    probe: { mean: Number(mean.toFixed(4)), std: Number(Math.sqrt(sq / count - mean * mean).toFixed(4)) },
    sessionInfo,
    webgpu,
    warnings,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    userAgent: navigator.userAgent,
    hardwareConcurrency: navigator.hardwareConcurrency,
  };
}

run().then(
  (result) => {
    window.__bench = { done: true, result };
    document.getElementById('status').textContent = 'done';
  },
  (error) => {
    window.__bench = { done: true, error: `${error?.name}: ${error?.message}\n${error?.stack ?? ''}` };
    document.getElementById('status').textContent = 'failed';
  },
);

// Child process of inference.bench.ts: @clipseg/runtime-node on a bundle. Prints one `BENCH_RESULT {json}` line.
//
//   node --conditions=clipseg-source --import tsx src/ours-workload.ts --bundle DIR --image FILE [--threads 2] [--warmup 2] [--runs 7]
//        [--session-config JSON]
import { parseArgs } from 'node:util';
import { logitsToBinaryMasks } from '@clipseg/processor';
import * as ort from 'onnxruntime-node';
import { decodeImage, loadCLIPSeg } from '@clipseg/runtime-node';
import { BENCH_PROMPTS, NEW_PROMPT, PROMPT_COUNTS, peakRssMb, stats, timeOnce, timeRuns, type Stats, type WorkloadResult } from './bench-stats.js';
import { cleanRunGuard, ForeignLoad } from './cpu-load.js';

const guard = cleanRunGuard();

const { values } = parseArgs({
  options: {
    bundle: { type: 'string' },
    image: { type: 'string' },
    threads: { type: 'string', default: '2' },
    warmup: { type: 'string', default: '2' },
    runs: { type: 'string', default: '7' },
    'session-config': { type: 'string' },
  },
});
const threads = Number(values.threads);

// --session-config '{"session.intra_op.allow_spinning":"0"}': onnxruntime session config entries for every session
// the pipeline creates (an experiment hook: runtime-node's SessionOptions do not carry them).
if (values['session-config']) {
  const entries = JSON.parse(values['session-config']) as Record<string, string>;
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entries)) {
    const path = key.split('.');
    let node = extra;
    for (const part of path.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    node[path.at(-1)!] = value;
  }
  const create = ort.InferenceSession.create.bind(ort.InferenceSession) as (model: unknown, options?: ort.InferenceSession.SessionOptions) => Promise<ort.InferenceSession>;
  (ort.InferenceSession as { create: unknown }).create = (model: unknown, options?: ort.InferenceSession.SessionOptions) => create(model, { ...options, extra });
}
const warmup = Number(values.warmup);
const runs = Number(values.runs);

function probeOf(data: Float32Array, count: number): { mean: number; std: number } {
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < count; i++) {
    sum += data[i]!;
    sq += data[i]! * data[i]!;
  }
  const mean = sum / count;
  return { mean: Number(mean.toFixed(4)), std: Number(Math.sqrt(sq / count - mean * mean).toFixed(4)) };
}

const load = new ForeignLoad();
load.start();
let seg!: Awaited<ReturnType<typeof loadCLIPSeg>>;
const loadMs = await timeOnce(async () => {
  seg = await loadCLIPSeg(values.bundle!, { sessionOptions: { intraOpNumThreads: threads }, textCacheSize: 0 });
});

// Image encode: pre-processing + vision tower on a decoded image.
const image = await decodeImage(values.image!);
const encode = stats(await timeRuns(async () => (await seg.encodeImage(image)).dispose(), warmup, runs, guard));

// A new prompt on an encoded image: text tower + decoder + masks at the image's size (the text cache is off).
const handle = await seg.encodeImage(image);
const newPrompt = stats(
  await timeRuns(
    async () => {
      const result = await seg.segment(handle, NEW_PROMPT);
      logitsToBinaryMasks(result.logits, { size: result.imageSize, threshold: 0.5 });
    },
    warmup,
    runs,
    guard,
  ),
);
const probeResult = await seg.segment(handle, NEW_PROMPT);
const probe = probeOf(probeResult.logits.data, probeResult.logits.dims[1]! * probeResult.logits.dims[2]!);
// Where a new prompt's time goes: tokenizer + text tower; decoder alone (a ready embedding); masks alone.
const embedding = (await seg.embed(NEW_PROMPT)).data;
const newPromptParts = {
  text: stats(await timeRuns(() => seg.embed(NEW_PROMPT), warmup, runs, guard)),
  decoder: stats(await timeRuns(() => seg.segment(handle, { embedding }), warmup, runs, guard)),
  masks: stats(await timeRuns(async () => logitsToBinaryMasks(probeResult.logits, { size: probeResult.imageSize, threshold: 0.5 }), warmup, runs, guard)),
};
const embeddings16 = (await seg.embed(BENCH_PROMPTS)).data;
const prompts16 = BENCH_PROMPTS.map((_, i) => ({ embedding: embeddings16.slice(i * embedding.length, (i + 1) * embedding.length) }));
const decoder16 = stats(await timeRuns(() => seg.segment(handle, prompts16), warmup, runs, guard));
handle.dispose();

// End to end, from the image file to binary masks at the image's size, one image and K prompts in one call.
const e2e: Record<string, Stats> = {};
for (const k of PROMPT_COUNTS) {
  const prompts = BENCH_PROMPTS.slice(0, k);
  e2e[k] = stats(
    await timeRuns(
      async () => {
        const decoded = await decodeImage(values.image!);
        const result = await seg.segmentImage(decoded, prompts);
        logitsToBinaryMasks(result.logits, { size: result.imageSize, threshold: 0.5 });
      },
      warmup,
      runs,
      guard,
    ),
  );
}
await seg.dispose();

const result: WorkloadResult = {
  library: values['session-config'] ? `@clipseg/runtime-node ${values['session-config']}` : '@clipseg/runtime-node',
  loadMs: Math.round(loadMs),
  encode,
  newPrompt,
  newPromptParts,
  decoder16,
  e2e,
  peakRssMb: peakRssMb(),
  foreignLoad: load.stop(),
  discardedRuns: guard.discarded,
  probe,
};
process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);

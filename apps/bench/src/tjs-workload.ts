// Child process of inference.bench.ts: transformers.js (@huggingface/transformers) on the single-graph folder that
// `clipseg convert --layout single` writes, loaded from disk only. Prints one `BENCH_RESULT {json}` line.
//
//   node --conditions=clipseg-source --import tsx src/tjs-workload.ts --model DIR --image FILE [--threads 2] [--warmup 2] [--runs 7]
import { basename, dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { createTensor } from '@clipseg/core';
import { logitsToBinaryMasks } from '@clipseg/processor';
import { AutoImageProcessor, AutoTokenizer, CLIPSegForImageSegmentation, env, RawImage, type Tensor } from '@huggingface/transformers';
import { BENCH_PROMPTS, NEW_PROMPT, PROMPT_COUNTS, peakRssMb, stats, timeOnce, timeRuns, type Stats, type WorkloadResult } from './bench-stats.js';
import { cleanRunGuard, ForeignLoad } from './cpu-load.js';

const guard = cleanRunGuard();

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    image: { type: 'string' },
    threads: { type: 'string', default: '2' },
    warmup: { type: 'string', default: '2' },
    runs: { type: 'string', default: '7' },
  },
});
const threads = Number(values.threads);
const warmup = Number(values.warmup);
const runs = Number(values.runs);

env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = dirname(values.model!);
const id = basename(values.model!);

const load = new ForeignLoad();
load.start();
let tokenizer!: Awaited<ReturnType<typeof AutoTokenizer.from_pretrained>>;
let processor!: Awaited<ReturnType<typeof AutoImageProcessor.from_pretrained>>;
let model!: Awaited<ReturnType<typeof CLIPSegForImageSegmentation.from_pretrained>>;
const loadMs = await timeOnce(async () => {
  [tokenizer, processor, model] = await Promise.all([
    AutoTokenizer.from_pretrained(id),
    AutoImageProcessor.from_pretrained(id),
    CLIPSegForImageSegmentation.from_pretrained(id, { dtype: 'fp32', device: 'cpu', session_options: { intraOpNumThreads: threads } }),
  ]);
});

/** One transformers.js call: file → RawImage → processor; tokenizer; model; masks at the image's size (our post-processing, so both sides do the same). */
async function call(prompts: readonly string[]): Promise<Tensor> {
  const image = await RawImage.read(values.image!);
  const pixels = await processor(image);
  const text = tokenizer([...prompts], { padding: true, truncation: true });
  const { logits } = (await model({ ...text, ...pixels })) as { logits: Tensor };
  const size = { width: image.width, height: image.height };
  const dims = logits.dims as number[];
  logitsToBinaryMasks(createTensor('float32', [dims[0]!, dims[1]!, dims[2]!], logits.data as Float32Array), { size, threshold: 0.5 });
  return logits;
}

const e2e: Record<string, Stats> = {};
for (const k of PROMPT_COUNTS) e2e[k] = stats(await timeRuns(() => call(BENCH_PROMPTS.slice(0, k)), warmup, runs, guard));

const probeLogits = await call([NEW_PROMPT]);
const data = probeLogits.data as Float32Array;
let sum = 0;
let sq = 0;
for (const v of data) {
  sum += v;
  sq += v * v;
}
const mean = sum / data.length;
await model.dispose();

const result: WorkloadResult = {
  library: '@huggingface/transformers',
  loadMs: Math.round(loadMs),
  e2e,
  peakRssMb: peakRssMb(),
  foreignLoad: load.stop(),
  discardedRuns: guard.discarded,
  probe: { mean: Number(mean.toFixed(4)), std: Number(Math.sqrt(sq / data.length - mean * mean).toFixed(4)) },
};
process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);

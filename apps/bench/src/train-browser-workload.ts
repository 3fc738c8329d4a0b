// The Node side of train-browser.bench.ts, in its own process: decoder fine-tuning steps on onnxruntime-node
// (runtime-node's backend) with `--threads` intra-op threads, on a folder the bench prepared. Prints one line
// `BENCH_RESULT {json}`.
//
//   node --conditions=clipseg-source --import tsx src/train-browser-workload.ts --dir DIR [--threads 2] [--warmup 1] [--runs 5]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { CLIPSegGraphConfig } from '@clipseg/convert';
import { createNodeBackend } from '@clipseg/runtime-node';
import { peakRssMb } from './bench-stats.js';
import { measureTrainingSteps, TRAIN_FILES } from './train-browser-steps.js';

const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    threads: { type: 'string', default: '2' },
    warmup: { type: 'string', default: '1' },
    runs: { type: 'string', default: '5' },
  },
});
if (values.dir === undefined) throw new Error('give --dir, a folder prepared by train-browser.bench.ts');
const dir = values.dir;
const threads = Number(values.threads);
const result = await measureTrainingSteps(
  createNodeBackend(),
  '@clipseg/runtime-node (onnxruntime-node, CPU)',
  {
    config: JSON.parse(readFileSync(join(dir, TRAIN_FILES.config), 'utf8')) as CLIPSegGraphConfig,
    decoder: new Uint8Array(readFileSync(join(dir, TRAIN_FILES.decoder))),
    batch: new Uint8Array(readFileSync(join(dir, TRAIN_FILES.batch))),
  },
  { warmup: Number(values.warmup), runs: Number(values.runs), sessionOptions: { intraOpNumThreads: threads, interOpNumThreads: 1 } },
);
result.peakRssMb = peakRssMb();
console.log(`BENCH_RESULT ${JSON.stringify({ ...result, threads })}`);

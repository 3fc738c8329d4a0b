// A/B of decoder training graphs on onnxruntime-node, for speed work on the differentiator (not part of `bench`):
//
//   node --conditions=clipseg-source --import tsx src/train-graph-ab.ts --checkpoint DIR --build OUT.onnx [--slices N]
//   node --conditions=clipseg-source --import tsx src/train-graph-ab.ts --models A.onnx,B.onnx [--threads 1]
//        [--rounds 3] [--runs 4] [--profile DIR]
//
// `--build` writes this checkout's full-size batch-8 training graph (the checkpoint's config, 352 × 352); build one
// before a change and one after. `--models` runs each graph on the same random feeds (batch 8), checks that every
// output agrees with the first graph's, then times them in alternating rounds (ours-then-theirs within a round, so
// both see the same foreign load, which is reported per graph), `intra_op.allow_spinning` off as in runtime-node.
// `--profile` adds onnxruntime's profile, kernel time per operator type.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { memoryFileSet } from '@clipseg/core';
import { openBundle } from '@clipseg/core/bundle';
import { convertCheckpoint } from '@clipseg/convert';
import { directoryFileSet } from '@clipseg/runtime-node';
import { sha256Node } from '@clipseg/runtime-node/io';
import { buildDecoderTrainingGraph } from '@clipseg/train';
import * as ort from 'onnxruntime-node';
import { ForeignLoad } from './cpu-load.js';

const { values } = parseArgs({
  options: {
    build: { type: 'string' },
    checkpoint: { type: 'string' },
    slices: { type: 'string' },
    models: { type: 'string' },
    threads: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '3' },
    runs: { type: 'string', default: '4' },
    profile: { type: 'string' },
  },
});
const BATCH = 8;

if (values.build !== undefined) {
  if (values.checkpoint === undefined) throw new Error('--build needs --checkpoint DIR (e.g. from `pnpm clipseg init-random --preset rd64-refined DIR`).');
  const converted = await convertCheckpoint(directoryFileSet(values.checkpoint), { sha256: sha256Node });
  const { config } = await openBundle(memoryFileSet(Object.fromEntries(converted.files), values.checkpoint));
  const graph = await buildDecoderTrainingGraph(config, { imageSize: { height: 352, width: 352 }, ...(values.slices === undefined ? {} : { mlpSlices: Number(values.slices) }) });
  writeFileSync(values.build, graph.model);
  console.log(`wrote ${values.build} (${graph.model.length} bytes)`);
  process.exit(0);
}
if (values.models === undefined) throw new Error('Pass --build OUT.onnx or --models A.onnx,B.onnx.');

const files = values.models.split(',');
const threads = Number(values.threads);
if (values.profile !== undefined && !existsSync(values.profile)) mkdirSync(values.profile, { recursive: true });
const sessions = await Promise.all(
  files.map((f, k) =>
    ort.InferenceSession.create(f, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      extra: { session: { 'intra_op.allow_spinning': '0' } },
      ...(values.profile === undefined ? {} : { enableProfiling: true, profileFilePrefix: join(values.profile, `graph${k}`) }),
    }),
  ),
);

let seed = 1;
const next = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5;
const feeds: Record<string, ort.Tensor> = {};
for (const meta of sessions[0]!.inputMetadata) {
  if (!meta.isTensor) continue;
  const dims = meta.shape.map((d) => (typeof d === 'number' ? d : BATCH));
  const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
  const scale = meta.name.startsWith('decoder.') ? 0.05 : 1;
  for (let i = 0; i < data.length; i++) data[i] = meta.name === 'target' ? (next() > 0 ? 1 : 0) : next() * scale;
  feeds[meta.name] = new ort.Tensor('float32', data, dims);
}

// Warm-up, and every output against the first graph's (relative to the output's largest magnitude).
const first: Record<string, ort.Tensor>[] = [];
for (const s of sessions) {
  first.push(await s.run(feeds));
  await s.run(feeds);
}
for (let k = 1; k < sessions.length; k++) {
  let worst = { rel: 0, name: '', diff: 0 };
  for (const name of Object.keys(first[0]!)) {
    const a = first[0]![name]!.data as Float32Array;
    const b = first[k]![name]!.data as Float32Array;
    let scale = 0;
    let diff = 0;
    for (let i = 0; i < a.length; i++) {
      scale = Math.max(scale, Math.abs(a[i]!));
      diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    }
    // The attention's key-projection bias has a zero gradient (softmax ignores a per-query constant): only noise.
    const rel = name.includes('k_proj.bias') ? 0 : diff / (scale || 1);
    if (rel > worst.rel) worst = { rel, name, diff };
  }
  console.log(`${files[k]} against ${files[0]}: worst output max|Δ|/max|x| ${worst.rel.toExponential(2)} (${worst.name || 'identical'})`);
}

const times: number[][] = files.map(() => []);
const foreign: number[][] = files.map(() => []);
for (let r = 0; r < Number(values.rounds); r++) {
  for (let k = 0; k < sessions.length; k++) {
    const load = new ForeignLoad();
    load.start();
    for (let i = 0; i < Number(values.runs); i++) {
      const t = performance.now();
      await sessions[k]!.run(feeds);
      times[k]!.push(performance.now() - t);
    }
    const cores = load.stop();
    if (cores !== undefined) foreign[k]!.push(cores);
  }
}
const median = (a: readonly number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
files.forEach((f, k) => {
  const t = times[k]!;
  const load = foreign[k]!.length === 0 ? 'n/a' : `${Math.min(...foreign[k]!).toFixed(2)}–${Math.max(...foreign[k]!).toFixed(2)} cores`;
  console.log(`${f}: median ${median(t).toFixed(1)} ms, min ${Math.min(...t).toFixed(1)} ms (${t.length} runs, ${threads} thread(s); other processes ${load})`);
});

if (values.profile !== undefined) {
  sessions.forEach((s) => s.endProfiling());
  for (const f of readdirSync(values.profile).filter((x) => x.endsWith('.json'))) {
    const trace = JSON.parse(readFileSync(join(values.profile, f), 'utf8')) as { cat: string; name: string; dur: number; args?: { op_name?: string } }[];
    const runs = trace.filter((e) => e.cat === 'Session' && e.name === 'model_run').length;
    const perOp = new Map<string, number>();
    for (const e of trace) if (e.cat === 'Node' && e.name.endsWith('_kernel_time')) perOp.set(e.args?.op_name ?? '?', (perOp.get(e.args?.op_name ?? '?') ?? 0) + e.dur);
    const total = [...perOp.values()].reduce((a, b) => a + b, 0);
    console.log(`${f}: kernel time ${(total / runs / 1000).toFixed(1)} ms per run (warm-up runs included)`);
    for (const [op, us] of [...perOp].sort((a, b) => b[1] - a[1]).slice(0, 16)) console.log(`  ${op.padEnd(20)} ${(us / runs / 1000).toFixed(1)} ms`);
  }
}

// Child process of inference.bench.ts --profile: onnxruntime's own profiler (`enableProfiling`) on each graph of
// the bundle and on the single-graph model, aggregated per operator type. Prints one `BENCH_RESULT {json}` line.
//
//   node --conditions=clipseg-source --import tsx src/profile-workload.ts --bundle DIR --single DIR --image FILE --out DIR
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadTokenizer, ViTImageProcessorConfig } from '@clipseg/core';
import { rasterImageAdapter } from '@clipseg/processor';
import * as ort from 'onnxruntime-node';
import { decodeImage, directoryFileSet } from '@clipseg/runtime-node';
import { BENCH_PROMPTS, NEW_PROMPT, stats, timeRuns, type Stats } from './bench-stats.js';
import { cleanRunGuard, waitForQuiet } from './cpu-load.js';

const { values } = parseArgs({
  options: {
    bundle: { type: 'string' },
    single: { type: 'string' },
    image: { type: 'string' },
    out: { type: 'string' },
    threads: { type: 'string', default: '2' },
    warmup: { type: 'string', default: '2' },
    runs: { type: 'string', default: '5' },
  },
});
const threads = Number(values.threads);
const warmup = Number(values.warmup);
const runs = Number(values.runs);

/** Time spent in one operator type per run. */
export interface OpTime {
  readonly op: string;
  readonly ms: number;
  readonly share: number;
  readonly nodes: number;
}

/** The profile of one graph under one input. */
export interface GraphProfile {
  readonly name: string;
  readonly wall: Stats;
  /** Sum of kernel times per run (the rest of the wall time is scheduling, copies and allocation). */
  readonly kernelMs: number;
  readonly ops: OpTime[];
  readonly topNodes: { readonly node: string; readonly op: string; readonly ms: number; readonly shapes: string }[];
}

interface TraceEvent {
  readonly cat: string;
  readonly name: string;
  readonly ts: number;
  readonly dur: number;
  readonly args?: { readonly op_name?: string; readonly input_type_shape?: unknown };
}

function aggregate(name: string, trace: TraceEvent[], wall: Stats): GraphProfile {
  const windows = trace.filter((e) => e.cat === 'Session' && e.name === 'model_run').slice(-runs);
  const inTimed = (e: TraceEvent) => windows.some((w) => e.ts >= w.ts && e.ts <= w.ts + w.dur);
  const kernels = trace.filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time') && inTimed(e));
  const perOp = new Map<string, { us: number; nodes: Set<string> }>();
  const perNode = new Map<string, { us: number; op: string; shapes: string }>();
  for (const e of kernels) {
    const op = e.args?.op_name ?? '?';
    const node = e.name.slice(0, -'_kernel_time'.length);
    const o = perOp.get(op) ?? { us: 0, nodes: new Set<string>() };
    o.us += e.dur;
    o.nodes.add(node);
    perOp.set(op, o);
    const n = perNode.get(node) ?? { us: 0, op, shapes: JSON.stringify(e.args?.input_type_shape ?? []) };
    n.us += e.dur;
    perNode.set(node, n);
  }
  const total = [...perOp.values()].reduce((s, o) => s + o.us, 0);
  const per = (us: number) => Math.round((us / windows.length / 1000) * 100) / 100;
  const ops = [...perOp]
    .map(([op, o]) => ({ op, ms: per(o.us), share: Math.round((o.us / total) * 1000) / 10, nodes: o.nodes.size }))
    .sort((a, b) => b.ms - a.ms);
  const topNodes = [...perNode]
    .sort((a, b) => b[1].us - a[1].us)
    .slice(0, 8)
    .map(([node, n]) => ({ node, op: n.op, ms: per(n.us), shapes: n.shapes.replace(/"float":/g, '').slice(0, 120) }));
  return { name, wall, kernelMs: per(total), ops, topNodes };
}

async function profile(name: string, model: string, feeds: Record<string, ort.Tensor>): Promise<{ profile: GraphProfile; outputs: ort.InferenceSession.OnnxValueMapType }> {
  await waitForQuiet(0.3, 3, 60);
  const prefix = join(values.out!, `profile-${name.replace(/[^a-z0-9]+/gi, '-')}`);
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: threads, graphOptimizationLevel: 'all', enableProfiling: true, profileFilePrefix: prefix });
  let outputs!: ort.InferenceSession.OnnxValueMapType;
  const wall = stats(await timeRuns(async () => (outputs = await session.run(feeds)), warmup, runs, cleanRunGuard()));
  session.endProfiling();
  await session.release();
  const file = readdirSync(values.out!)
    .filter((f) => join(values.out!, f).startsWith(prefix) && f.endsWith('.json'))
    .sort()
    .at(-1)!;
  return { profile: aggregate(name, JSON.parse(readFileSync(join(values.out!, file), 'utf8')) as TraceEvent[], wall), outputs };
}

const files = directoryFileSet(values.bundle!);
const tokenizer = await loadTokenizer(files);
const ids = (texts: readonly string[]) => {
  const batch = tokenizer.call([...texts], { padding: 'longest' });
  const width = batch.inputIds[0]!.length;
  const data = BigInt64Array.from(batch.inputIds.flat(), (v) => BigInt(v));
  const mask = BigInt64Array.from(batch.attentionMask.flat(), (v) => BigInt(v));
  return { input_ids: new ort.Tensor('int64', data, [texts.length, width]), attention_mask: new ort.Tensor('int64', mask, [texts.length, width]) };
};
const preprocessor = ViTImageProcessorConfig.fromJSON(readFileSync(join(values.bundle!, 'preprocessor_config.json'), 'utf8'));
const pixelTensor = await rasterImageAdapter.preprocess([await decodeImage(values.image!)], preprocessor);
const pixels = new ort.Tensor('float32', pixelTensor.data, [...pixelTensor.dims]);
const graph = (name: string) => join(values.bundle!, `${name}.onnx`);

const profiles: GraphProfile[] = [];
const one = ids([NEW_PROMPT]);
const text = await profile('text_encoder K=1', graph('text_encoder'), { input_ids: one.input_ids });
profiles.push(text.profile);
const sixteen = ids(BENCH_PROMPTS.slice(0, 16));
profiles.push((await profile('text_encoder K=16', graph('text_encoder'), { input_ids: sixteen.input_ids })).profile);
const vision = await profile('vision_encoder', graph('vision_encoder'), { pixel_values: pixels });
profiles.push(vision.profile);
const activations = Object.fromEntries(Object.entries(vision.outputs).filter(([n]) => n.startsWith('activation_'))) as Record<string, ort.Tensor>;
const embeds = text.outputs.text_embeds as ort.Tensor;
for (const k of [1, 16]) {
  const cond = new Float32Array(k * embeds.size);
  for (let i = 0; i < k; i++) cond.set(embeds.data as Float32Array, i * embeds.size);
  const feeds = { ...activations, conditional_embeddings: new ort.Tensor('float32', cond, [k, embeds.size]) };
  profiles.push((await profile(`decoder K=${k}`, graph('decoder'), feeds)).profile);
}
if (values.single) {
  const model = join(values.single, 'onnx/model.onnx');
  profiles.push((await profile('single K=1', model, { ...one, pixel_values: pixels })).profile);
  profiles.push((await profile('single K=16', model, { ...sixteen, pixel_values: pixels })).profile);
}
process.stdout.write(`BENCH_RESULT ${JSON.stringify({ threads, runs, profiles })}\n`);

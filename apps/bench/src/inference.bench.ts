// Inference benchmark on a full-size model (random rd64-refined weights: the real architecture and cost), against
// transformers.js on the same weights in the same run. Each side runs in its own child processes (one per round,
// alternating which goes first) so that peak RSS is its own; each child warms up, then times repeated runs.
// Before each child the harness waits (up to --quiet-timeout s) for the machine to be idle, and it reports how much
// CPU other processes used during each round.
//
//   pnpm --filter @clipseg/bench bench:inference [--dtype fp32|fp16|int8] [--baseline-dtype fp32|fp16|int8] [--runs 7] [--warmup 2] [--rounds 2] [--threads 2]
//        [--work DIR] [--json FILE] [--profile] [--profile-json FILE] [--no-tjs]
//        [--compare-config '{"session.intra_op.allow_spinning":"0"}']   (also runs ours with these session config
//        entries in every round and prints default vs variant)
//        [--compare-attention fused]   (also runs ours on a bundle converted with --attention fused, every round)
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { checkTargets, floorOf, poolSide, printReport, printVariant } from './bench-report.js';
import { ATTENTION_KINDS } from '@clipseg/convert';
import { BUNDLE_WEIGHT_DTYPES } from '@clipseg/core';
import { benchFlag, machineInfo, prepare } from './bench-setup.js';
import type { WorkloadResult } from './bench-stats.js';
import { cleanRunGuard, waitForQuiet } from './cpu-load.js';
import { measureMatmul } from './matmul-floor.js';
import { modelFlops, type FlopConfig } from './model-flops.js';
import type { GraphProfile } from './profile-workload.js';

const { values } = parseArgs({
  options: {
    preset: { type: 'string', default: 'rd64-refined' },
    dtype: { type: 'string', default: 'fp32' },
    'baseline-dtype': { type: 'string' },
    runs: { type: 'string', default: '7' },
    warmup: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '2' },
    threads: { type: 'string', default: '2' },
    work: { type: 'string' },
    json: { type: 'string' },
    profile: { type: 'boolean', default: false },
    'profile-json': { type: 'string' },
    'no-tjs': { type: 'boolean', default: false },
    'compare-config': { type: 'string' },
    'compare-attention': { type: 'string' },
    'quiet-cores': { type: 'string', default: '0.3' },
    'quiet-timeout': { type: 'string', default: '60' },
  },
});
const here = dirname(fileURLToPath(import.meta.url));
const rounds = Number(values.rounds);
// --dtype: the weights both sides run; --baseline-dtype: transformers.js's, when it should differ (int8 vs fp32).
const dtype = benchFlag('dtype', values.dtype, BUNDLE_WEIGHT_DTYPES);
const baselineDtype = benchFlag('baseline-dtype', values['baseline-dtype'] ?? dtype, BUNDLE_WEIGHT_DTYPES);
const common = ['--threads', values.threads!, '--warmup', values.warmup!, '--runs', values.runs!];

function child<T>(script: string, args: string[]): T {
  const out = execFileSync(process.execPath, ['--conditions=clipseg-source', '--import', 'tsx', join(here, script), ...args], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = out.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
  if (!line) throw new Error(`${script} printed no BENCH_RESULT line:\n${out.slice(-2000)}`);
  return JSON.parse(line.slice('BENCH_RESULT '.length)) as T;
}

async function quiet(label: string): Promise<void> {
  const { waited, load } = await waitForQuiet(Number(values['quiet-cores']), 3, Number(values['quiet-timeout']));
  if (waited > 5) console.error(`  waited ${waited} s for a quiet machine before ${label} (other processes: ${load?.toFixed(2) ?? '?'} cores)`);
}

const work = values.work ?? mkdtempSync(join(tmpdir(), 'clipseg-bench-inference-'));
try {
  const inputs = await prepare(work, values.preset!, dtype);
  const baselineModel = (await prepare(work, values.preset!, baselineDtype)).single;
  const machine = machineInfo();
  console.error(`${machine.cpu}, ${machine.cores} cores, node ${machine.node}; onnxruntime-node ${machine.onnxruntimeNode}; transformers.js ${machine.transformersJs} (its onnxruntime-node ${machine.transformersJsOnnxruntimeNode})`);

  const config = JSON.parse(readFileSync(join(inputs.bundle, 'config.json'), 'utf8')) as FlopConfig & { vision_config: { intermediate_size: number } };
  const flops = modelFlops(config, 352, 8);
  await quiet('the MatMul floor');
  const threads = Number(values.threads);
  const D = config.vision_config.hidden_size;
  const I = config.vision_config.intermediate_size;
  const guard = cleanRunGuard();
  const matmul = [
    await measureMatmul(flops.imageTokens, Array.from({ length: 9 }, () => D), threads, 3, 10, guard),
    await measureMatmul(flops.imageTokens, [D, I, D, I, D, I, D], threads, 3, 10, guard),
  ];
  const floor = floorOf(flops, matmul, { hidden: D, intermediate: I, layers: Math.max(...config.extract_layers) + 1 });

  const ours: WorkloadResult[] = [];
  const tjs: WorkloadResult[] = [];
  const variant: WorkloadResult[] = [];
  const compareAttention = values['compare-attention'] === undefined ? undefined : benchFlag('compare-attention', values['compare-attention'], ATTENTION_KINDS);
  const variantBundle = compareAttention ? (await prepare(work, values.preset!, dtype, compareAttention)).bundle : undefined;
  const compare = values['compare-config'] ?? (compareAttention ? `--attention ${compareAttention}` : undefined);
  const runVariant = async () => {
    await quiet('the variant');
    const variantArgs = variantBundle ? ['--bundle', variantBundle] : ['--bundle', inputs.bundle, '--session-config', compare!];
    variant.push(child<WorkloadResult>('ours-workload.ts', [...variantArgs, '--image', inputs.image, ...common]));
  };
  const runOurs = async () => {
    await quiet('@clipseg/runtime-node');
    ours.push(child<WorkloadResult>('ours-workload.ts', ['--bundle', inputs.bundle, '--image', inputs.image, ...common]));
  };
  const runTjs = async () => {
    await quiet('transformers.js');
    tjs.push(child<WorkloadResult>('tjs-workload.ts', ['--model', baselineModel, '--image', inputs.image, ...common]));
  };
  for (let r = 0; r < rounds; r++) {
    console.error(`round ${r + 1}/${rounds} …`);
    const sides = [runOurs, ...(compare ? [runVariant] : []), ...(values['no-tjs'] ? [] : [runTjs])];
    const order = r % 2 === 0 ? sides : [...sides].reverse();
    for (const run of order) await run();
  }
  const oursSummary = poolSide(ours);
  const tjsSummary = tjs.length > 0 ? poolSide(tjs) : undefined;
  // The targets are stated for fp32 on both sides.
  const checks = dtype === 'fp32' && baselineDtype === 'fp32' ? checkTargets(oursSummary, tjsSummary, floor) : [];
  console.log(`\ninference bench: ${values.preset}, ours ${dtype}, transformers.js ${baselineDtype}, ${threads} threads, ${values.warmup} warm-up + ${values.runs} timed runs × ${rounds} rounds, image ${inputs.imageName}, tokenizer ${inputs.tokenizer}`);
  printReport(oursSummary, tjsSummary, floor, checks);
  if (compare) printVariant(oursSummary, poolSide(variant), compare);

  let profiles: GraphProfile[] | undefined;
  if (values.profile) {
    await quiet('the profile');
    const profileDir = join(work, 'profiles');
    rmSync(profileDir, { recursive: true, force: true });
    mkdirSync(profileDir, { recursive: true });
    profiles = child<{ profiles: GraphProfile[] }>('profile-workload.ts', ['--bundle', inputs.bundle, '--single', inputs.single, '--image', inputs.image, '--out', profileDir, '--threads', values.threads!, '--warmup', '2', '--runs', '5']).profiles;
    console.log('\nonnxruntime profile (kernel time per run, ms; top operator types):');
    for (const p of profiles) {
      const ops = p.ops
        .slice(0, 6)
        .map((o) => `${o.op} ${o.ms} (${o.share}%, ${o.nodes})`)
        .join(', ');
      console.log(`  ${p.name.padEnd(18)} wall ${p.wall.median.toFixed(1)}, kernels ${p.kernelMs}: ${ops}`);
    }
    if (values['profile-json']) writeFileSync(values['profile-json'], `${JSON.stringify({ machine, threads, profiles }, null, 2)}\n`);
  }

  if (values.json) {
    const strip = <T extends object>(o: T): T => JSON.parse(JSON.stringify(o, (k, v: unknown) => (k === 'samples' ? undefined : v))) as T;
    const result = {
      machine,
      settings: { preset: values.preset, dtype, baselineDtype, threads, warmup: Number(values.warmup), runs: Number(values.runs), rounds, image: inputs.imageName, tokenizer: inputs.tokenizer },
      floor,
      ours: strip(oursSummary),
      transformersJs: tjsSummary ? strip(tjsSummary) : null,
      targets: checks,
      ...(compare ? { variant: { ...(variantBundle ? { attention: compareAttention } : { sessionConfig: JSON.parse(compare) as unknown }), ...strip(poolSide(variant)) } } : {}),
      rounds: { ours, transformersJs: tjs, variant },
    };
    writeFileSync(values.json, `${JSON.stringify(result, null, 2)}\n`);
    console.error(`wrote ${values.json}`);
  }
} finally {
  if (!values.work) rmSync(work, { recursive: true, force: true });
}

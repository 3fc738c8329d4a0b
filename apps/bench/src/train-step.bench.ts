// Decoder fine-tuning step on a full-size random rd64-refined checkpoint (real architecture and cost), batch of 8
// (image, text prompt, 352×352 target) examples, onnxruntime-node with 2 intra-op threads, against PyTorch 1.13
// (Debian's python3-torch, OpenBLAS) in the same sitting:
// - step, activations cached: DecoderTrainer.step (loss + every decoder gradient) + AdamW.step;
// - the vision encoder per image: what caching saves per image and epoch;
// - step with the vision tower in it: the 8 images through the vision encoder, then the step.
// PyTorch runs apps/bench/python/clipseg_decoder_step.py (a port of HF's CLIPSeg decoder and vision tower, checked
// against the training goldens with --verify first) on the same checkpoint and the same batch (written as
// safetensors), with Debian's OpenBLAS. Each round times ours, then PyTorch; the rounds' runs are pooled. Where
// `/usr/bin/python3 -c 'import torch'` fails, the baseline is skipped with a message.
//
//   pnpm --filter @clipseg/bench bench:train [--checkpoint DIR] [--work DIR] [--runs 10] [--warmup 2] [--rounds 2]
//        [--vision-runs 3] [--threads 2] [--spinning] [--json FILE] [--no-python] [--epoch-images 1000]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CLIPSeg, createTensor, memoryFileSet, writeSafetensors, type Tensor } from '@clipseg/core';
import { openBundle } from '@clipseg/core/bundle';
import { convertCheckpoint, openCheckpoint } from '@clipseg/convert';
import { createNodeBackend, directoryFileSet } from '@clipseg/runtime-node';
import { sha256Node } from '@clipseg/runtime-node/io';
import { AdamW, buildDecoderTrainingGraph, DecoderTrainer, type DecoderTrainingExample } from '@clipseg/train';
import { machineInfo, REPO_ROOT, sharedDir } from './bench-setup.js';
import { BENCH_PROMPTS, stats, timeRuns, type Stats } from './bench-stats.js';
import { cleanRunGuard, ForeignLoad, waitForQuiet } from './cpu-load.js';

const { values } = parseArgs({
  options: {
    checkpoint: { type: 'string' },
    work: { type: 'string' },
    batch: { type: 'string', default: '8' },
    runs: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    'vision-runs': { type: 'string', default: '3' },
    rounds: { type: 'string', default: '2' },
    threads: { type: 'string', default: '2' },
    spinning: { type: 'boolean', default: false },
    'epoch-images': { type: 'string', default: '1000' },
    json: { type: 'string' },
    'no-python': { type: 'boolean', default: false },
  },
});
const BATCH = Number(values.batch);
const RUNS = Number(values.runs);
const WARMUP = Number(values.warmup);
const VISION_RUNS = Number(values['vision-runs']);
const ROUNDS = Number(values.rounds);
const THREADS = Number(values.threads);
const EPOCH_IMAGES = Number(values['epoch-images']);
const PYTHON = '/usr/bin/python3';
const PY_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '../python/clipseg_decoder_step.py');
/**
 * Debian's torch links libblas.so.3, the reference BLAS unless another is selected (20× slower matmuls). The
 * baseline is PyTorch on OpenBLAS: Debian's libopenblas0-pthread, loaded for the child alone.
 */
const OPENBLAS_DIR = '/usr/lib/x86_64-linux-gnu/openblas-pthread';
const SIZE = 352;

/** The PyTorch side's report of one round (see clipseg_decoder_step.py). */
interface TorchResult {
  readonly torch: string;
  readonly threads: number;
  readonly blas: string;
  readonly firstLoss: number;
  readonly visionActivationMaxAbsDiff: number;
  readonly stepCached: Timed;
  readonly visionPerImage: Timed;
  readonly stepWithVision: Timed;
}

function clipseg(args: string[]): void {
  const cli = join(REPO_ROOT, 'packages/cli/src/main.ts');
  execFileSync(process.execPath, ['--conditions=clipseg-source', '--import', 'tsx', cli, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
}

/** Deterministic normalised pixel values `[1, 3, 352, 352]` of image `i` (smooth patterns; content does not change the cost). */
function pixelValues(i: number): Tensor<'float32'> {
  const data = new Float32Array(3 * SIZE * SIZE);
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) data[(c * SIZE + y) * SIZE + x] = 1.5 * Math.sin((x * (i + 1)) / 37 + (y * (c + 2)) / 53 + i);
    }
  }
  return createTensor('float32', [1, 3, SIZE, SIZE], data);
}

/** A 0/1 disk target of image `i`. */
function diskTarget(i: number): Float32Array {
  const t = new Float32Array(SIZE * SIZE);
  const cy = 100 + 20 * i;
  const cx = 80 + 25 * i;
  const r = 60 + 5 * i;
  for (let y = 0; y < SIZE; y++) for (let x = 0; x < SIZE; x++) t[y * SIZE + x] = (y - cy) ** 2 + (x - cx) ** 2 <= r * r ? 1 : 0;
  return t;
}

function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function runTorch(checkpoint: string, batchFile: string, verify: boolean): { verify?: { ok: boolean; line: string }; bench?: TorchResult; skipped?: string } {
  if (values['no-python']) return { skipped: '--no-python' };
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) return { skipped: `${PYTHON} -c 'import torch' failed (install Debian's python3-torch for the PyTorch baseline)` };
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: String(THREADS), OMP_NUM_THREADS: String(THREADS), PYTHONDONTWRITEBYTECODE: '1' };
  if (existsSync(join(OPENBLAS_DIR, 'libblas.so.3'))) env.LD_LIBRARY_PATH = [OPENBLAS_DIR, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  else console.error(`warning: ${OPENBLAS_DIR} is absent (apt-get install libopenblas0-pthread): PyTorch runs on whatever libblas.so.3 is selected`);
  const result: { verify?: { ok: boolean; line: string }; bench?: TorchResult } = {};
  const shared = sharedDir();
  if (verify && shared) {
    const v = spawnSync(PYTHON, [PY_SCRIPT, '--verify', join(shared, 'golden'), '--threads', String(THREADS)], { encoding: 'utf8', env });
    result.verify = { ok: v.status === 0, line: v.stdout.split('\n')[0] ?? v.stderr };
    console.error(`PyTorch port against the training goldens: ${result.verify.line}`);
    if (v.status !== 0) throw new Error(`the PyTorch port does not match the goldens:\n${v.stdout}\n${v.stderr}`);
  }
  const args = [PY_SCRIPT, '--bench', checkpoint, '--batch', batchFile, '--threads', String(THREADS), '--runs', String(RUNS), '--warmup', String(WARMUP), '--vision-runs', String(VISION_RUNS)];
  const b = spawnSync(PYTHON, args, { encoding: 'utf8', env, maxBuffer: 1 << 26 });
  const line = b.stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
  if (b.status !== 0 || !line) throw new Error(`PyTorch bench failed (${b.status}):\n${b.stderr}`);
  result.bench = JSON.parse(line.slice('BENCH_RESULT '.length)) as TorchResult;
  return result;
}

const work = values.work ?? mkdtempSync(join(tmpdir(), 'clipseg-bench-train-'));
mkdirSync(work, { recursive: true });
let checkpoint = values.checkpoint === undefined ? undefined : resolve(values.checkpoint);
if (checkpoint === undefined) {
  checkpoint = join(work, 'rd64-refined');
  if (!existsSync(join(checkpoint, 'model.safetensors'))) {
    console.error(`writing a random rd64-refined checkpoint to ${checkpoint} …`);
    clipseg(['init-random', '--preset', 'rd64-refined', '--force', checkpoint]);
  }
}

const sessionOptions = { intraOpNumThreads: THREADS, interOpNumThreads: 1 };
const backend = createNodeBackend({ intraOpSpinning: values.spinning });
console.error(`converting ${checkpoint} in memory …`);
const converted = await convertCheckpoint(directoryFileSet(checkpoint), { sha256: sha256Node });
const bundleFiles = memoryFileSet(Object.fromEntries(converted.files), checkpoint);
const opened = await openBundle(bundleFiles);
const seg = await CLIPSeg.load(bundleFiles, backend, { sessionOptions });
const vision = await backend.createSession(converted.files.get(opened.manifest.graphs.vision_encoder.path)!, sessionOptions);
const graph = await buildDecoderTrainingGraph(opened.config, { imageSize: { height: SIZE, width: SIZE } });
const { reader } = await openCheckpoint(directoryFileSet(checkpoint));
const trainer = await DecoderTrainer.create(backend, graph, (name) => reader.readFloat32(name), sessionOptions);
await reader.close();
const optimizer = new AdamW({ lr: 1e-3, weightDecay: 0.01 });

const prompts = BENCH_PROMPTS.slice(0, BATCH);
const embeddings = (await seg.embed(prompts)).data as Float32Array;
await seg.dispose();
const P = graph.projectionDim;
const pixels = Array.from({ length: BATCH }, (_, i) => pixelValues(i));
const targets = Array.from({ length: BATCH }, (_, i) => diskTarget(i));
const encode = async (px: Tensor<'float32'>) => {
  const out = await vision.run({ pixel_values: px }, graph.activations);
  return graph.activations.map((name) => out[name] as Tensor<'float32'>);
};
const examplesOf = (activations: Tensor<'float32'>[][]): DecoderTrainingExample[] =>
  activations.map((acts, i) => ({ activations: acts, conditionalEmbeddings: embeddings.slice(i * P, (i + 1) * P), targets: targets[i]! }));
const cached: Tensor<'float32'>[][] = [];
for (const px of pixels) cached.push(await encode(px));
const batch = examplesOf(cached);

// The batch for PyTorch, and our loss on the checkpoint's parameters (before any update) to compare with its own.
const batchFile = join(work, 'train-batch.safetensors');
const batchTensors: Record<string, Tensor> = {
  conditional_embeddings: createTensor('float32', [BATCH, P], embeddings.slice(0, BATCH * P)),
  target: createTensor('float32', [BATCH, SIZE, SIZE], concat(targets)),
  pixel_values: createTensor('float32', [BATCH, 3, SIZE, SIZE], concat(pixels.map((p) => p.data))),
};
graph.activations.forEach((name, k) => {
  const parts = cached.map((acts) => acts[k]!);
  batchTensors[name] = createTensor('float32', [BATCH, parts[0]!.dims[1]!, parts[0]!.dims[2]!], concat(parts.map((t) => t.data)));
});
writeFileSync(batchFile, writeSafetensors(batchTensors));

/** Wall and process CPU milliseconds of each timed run (a run the guard drops is repeated, as `timeRuns`). */
interface Timed {
  readonly samples: number[];
  readonly cpuSamples: number[];
  readonly foreignLoadCores?: number | null;
}

async function timeWallCpu(fn: () => Promise<unknown>, warmup: number, runs: number): Promise<Timed> {
  const cpuSamples: number[] = [];
  let c = process.cpuUsage();
  const guard = cleanRunGuard();
  const load = new ForeignLoad();
  await waitForQuiet(0.3, 2, 30);
  load.start();
  const samples = await timeRuns(
    async () => {
      c = process.cpuUsage();
      await fn();
      const used = process.cpuUsage(c);
      cpuSamples.push((used.user + used.system) / 1000);
    },
    warmup,
    runs,
    { begin: () => guard.begin(), keep: () => guard.keep() || (cpuSamples.pop(), false) },
  );
  discarded += guard.discarded;
  return { samples, cpuSamples: cpuSamples.slice(-runs), foreignLoadCores: load.stop() };
}
let discarded = 0;

const losses: number[] = [];
const parts = { trainer: [] as number[], adamw: [] as number[] };
async function step(examples: readonly DecoderTrainingExample[]): Promise<void> {
  const t0 = performance.now();
  const { loss, gradients } = await trainer.step(examples);
  const t1 = performance.now();
  optimizer.step(trainer.parameters, gradients);
  parts.trainer.push(t1 - t0);
  parts.adamw.push(performance.now() - t1);
  losses.push(loss);
}
await step(batch);
const firstLoss = losses[0]!;

/** One round of our measurements. */
async function measureOurs(): Promise<{ stepCached: Timed; visionPerImage: Timed; stepWithVision: Timed; trainer: number[]; adamw: number[] }> {
  parts.trainer.length = 0;
  parts.adamw.length = 0;
  const stepCached = await timeWallCpu(() => step(batch), WARMUP, RUNS);
  const trainerMs = parts.trainer.slice(-RUNS);
  const adamwMs = parts.adamw.slice(-RUNS);
  const visionPerImage = await timeWallCpu(() => encode(pixels[0]!), 1, VISION_RUNS * 2);
  const stepWithVision = await timeWallCpu(async () => {
    const acts: Tensor<'float32'>[][] = [];
    for (const px of pixels) acts.push(await encode(px));
    await step(examplesOf(acts));
  }, 1, VISION_RUNS);
  return { stepCached, visionPerImage, stepWithVision, trainer: trainerMs, adamw: adamwMs };
}

const oursRounds: Awaited<ReturnType<typeof measureOurs>>[] = [];
const torchRounds: TorchResult[] = [];
let torchVerify: { ok: boolean; line: string } | undefined;
let torchSkipped: string | undefined;
for (let round = 0; round < ROUNDS; round++) {
  console.error(`round ${round + 1}/${ROUNDS}: ours …`);
  oursRounds.push(await measureOurs());
  if (torchSkipped === undefined) {
    console.error(`round ${round + 1}/${ROUNDS}: PyTorch …`);
    const t = runTorch(checkpoint, batchFile, round === 0);
    torchVerify ??= t.verify;
    torchSkipped = t.skipped;
    if (t.bench) torchRounds.push(t.bench);
  }
}
await trainer.dispose();
await vision.dispose();

/** Wall and CPU statistics of the rounds' runs pooled. */
function pooled(rounds: readonly Timed[]): { wall: Stats; cpu: Stats; foreignLoadCores: (number | null | undefined)[] } {
  return { wall: stats(rounds.flatMap((r) => r.samples)), cpu: stats(rounds.flatMap((r) => r.cpuSamples)), foreignLoadCores: rounds.map((r) => r.foreignLoadCores) };
}
/** What one image's vision tower costs inside a step: (step with vision − cached step) / batch, from medians. */
const visionInStep = (withVision: Stats, cached: Stats) => Math.round(((withVision.median - cached.median) / BATCH) * 10) / 10;
const side = (rounds: readonly { stepCached: Timed; visionPerImage: Timed; stepWithVision: Timed }[]) => {
  const stepCached = pooled(rounds.map((r) => r.stepCached));
  const visionPerImage = pooled(rounds.map((r) => r.visionPerImage));
  const stepWithVision = pooled(rounds.map((r) => r.stepWithVision));
  const perImage = visionInStep(stepWithVision.wall, stepCached.wall);
  return { stepCached, visionPerImage, stepWithVision, visionPerImageInStepMs: perImage, activationCachingSavesPerEpochS: Math.round((EPOCH_IMAGES * perImage) / 100) / 10 };
};
const ours = { firstLoss, ...side(oursRounds), trainerStep: stats(oursRounds.flatMap((r) => r.trainer)), adamwStep: stats(oursRounds.flatMap((r) => r.adamw)), discardedRuns: discarded };
const tb = torchRounds[0];
const pytorch = tb ? { torch: tb.torch, threads: tb.threads, blas: tb.blas, firstLoss: tb.firstLoss, visionActivationMaxAbsDiff: tb.visionActivationMaxAbsDiff, ...side(torchRounds) } : undefined;
const report = {
  machine: machineInfo(),
  checkpoint,
  batch: BATCH,
  threads: THREADS,
  spinning: values.spinning,
  runs: RUNS,
  rounds: ROUNDS,
  epochImages: EPOCH_IMAGES,
  ours,
  pytorch,
  pytorchVerify: torchVerify,
  pytorchSkipped: torchSkipped,
  firstLossDiff: tb ? Math.abs(tb.firstLoss - firstLoss) : undefined,
};

const f = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
const cell = (s: Stats | undefined) => (s === undefined ? '—' : `${f(s.median)} (min ${f(s.min)})`);
const row = (what: string, o: Stats, t: Stats | undefined) => console.log(`| ${what} | ${cell(o)} | ${cell(t)} | ${t === undefined ? '—' : `${(o.median / t.median).toFixed(2)}×`} |`);
console.log(`\nDecoder training step, rd64-refined (random), batch ${BATCH}, ${THREADS} threads; wall time, median (min) of ${RUNS * ROUNDS} runs (vision rows ${VISION_RUNS * ROUNDS}) in ${ROUNDS} rounds; ${report.machine.cpu}, ${report.machine.cores} cores`);
console.log(`| | ours (onnxruntime-node ${report.machine.onnxruntimeNode}) | PyTorch ${pytorch?.torch ?? '(skipped)'} | ours / PyTorch (medians) |`);
console.log('| --- | --- | --- | --- |');
row('step, activations cached (step + AdamW)', ours.stepCached.wall, pytorch?.stepCached.wall);
row('  the same, process CPU time', ours.stepCached.cpu, pytorch?.stepCached.cpu);
console.log(`|   of which DecoderTrainer.step / AdamW.step | ${f(ours.trainerStep.median)} / ${f(ours.adamwStep.median)} | | |`);
row('vision encoder, one image alone', ours.visionPerImage.wall, pytorch?.visionPerImage.wall);
row(`step with the vision tower (${BATCH} images + step)`, ours.stepWithVision.wall, pytorch?.stepWithVision.wall);
const saving = (s: typeof ours | typeof pytorch) => (s ? `${f(s.visionPerImageInStepMs)} per image, ${s.activationCachingSavesPerEpochS} s per epoch of ${EPOCH_IMAGES} images` : '—');
console.log(`Activation caching saves (step with vision − cached step) / ${BATCH}: ours ${saving(ours)}; PyTorch ${saving(pytorch)}.`);
if (pytorch) console.log(`First-step loss: ours ${firstLoss.toFixed(7)}, PyTorch ${pytorch.firstLoss.toFixed(7)} (|diff| ${report.firstLossDiff!.toExponential(2)}); vision activations |diff| ${pytorch.visionActivationMaxAbsDiff.toExponential(2)}; PyTorch BLAS: ${pytorch.blas}.`);
if (torchVerify) console.log(`PyTorch port against the training goldens: ${torchVerify.line}`);
if (torchSkipped) console.log(`PyTorch baseline skipped: ${torchSkipped}.`);
console.log(`Other processes' CPU (cores) during the cached-step timing: ours ${ours.stepCached.foreignLoadCores.join(', ')}; PyTorch ${pytorch?.stepCached.foreignLoadCores.join(', ') ?? '—'}. ${discarded} of our runs dropped and repeated.`);
if (values.json) writeFileSync(resolve(values.json), JSON.stringify(report, null, 2));
if (!values.work) rmSync(work, { recursive: true, force: true });

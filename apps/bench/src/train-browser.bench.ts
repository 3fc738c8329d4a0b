// Decoder fine-tuning steps per second in headless Chromium — @clipseg/train inside a Web Worker on
// @clipseg/runtime-web's WASM backend (onnxruntime-web, SIMD + threads; cross-origin isolated page) — against the
// same steps on @clipseg/runtime-node (onnxruntime-node) in the same sitting, with the same thread count.
//
// Models: the tiny golden checkpoint (../shared/golden/clipseg-tiny-refined) and a full-size random rd64-refined
// checkpoint (`clipseg init-random --preset rd64-refined`, the real CLIP vocabulary when ../shared has it). One step
// is DecoderTrainer.step on a batch of `--examples` (image, text prompt, disk target) examples at 352 × 352, then
// AdamW.step; the frozen CLIP features are computed once in Node beforehand (train-browser-prepare.ts), so both sides
// time exactly the same computation. Vite serves the page (src/train-browser/) with the sources; playwright drives
// Debian's Chromium (/usr/bin/chromium or $CLIPSEG_CHROMIUM; nothing is downloaded).
//
// The machine may be shared: before each side the bench waits (up to --quiet-timeout s) for other processes to leave
// the CPU, prints how busy it still was, and repeats the node / browser pair --rounds times; the table shows each
// side's median over all its rounds' runs and each round's median.
//
//   pnpm --filter @clipseg/bench bench:train-browser [--models tiny,rd64-refined] [--examples 8] [--threads 2] [--warmup 1] [--runs 5] [--rounds 2] [--work DIR] [--json FILE]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright';
import { createServer, defaultClientConditions } from 'vite';
import { machineInfo, REPO_ROOT, sharedDir } from './bench-setup.js';
import { formatStats, stats, type Stats } from './bench-stats.js';
import { waitForQuiet } from './cpu-load.js';
import { prepareTrainingFolder } from './train-browser-prepare.js';
import type { TrainStepsResult } from './train-browser-steps.js';

const { values } = parseArgs({
  options: {
    models: { type: 'string', default: 'tiny,rd64-refined' },
    examples: { type: 'string', default: '8' },
    threads: { type: 'string', default: '2' },
    warmup: { type: 'string', default: '1' },
    runs: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '2' },
    work: { type: 'string' },
    json: { type: 'string' },
    'quiet-timeout': { type: 'string', default: '60' },
  },
});
const here = dirname(fileURLToPath(import.meta.url));
const executablePath = process.env.CLIPSEG_CHROMIUM || '/usr/bin/chromium';
const CLI = join(dirname(createRequire(import.meta.url).resolve('@clipseg/cli/package.json')), 'src/main.ts');
const source = (path: string) => resolve(REPO_ROOT, 'packages', path);

interface SideResult extends TrainStepsResult {
  readonly threads: number;
  readonly threadsReason?: string;
  readonly warnings?: string[];
}

/** One side over all rounds: its samples pooled, each round's median and the foreign load before it. */
interface PooledSide {
  readonly first: SideResult;
  readonly step: Stats;
  readonly roundMedians: number[];
  readonly loadBefore: (number | undefined)[];
}

function pool(rounds: readonly { result: SideResult; load: number | undefined }[]): PooledSide {
  return {
    first: rounds[0]!.result,
    step: stats(rounds.flatMap((r) => r.result.step.samples)),
    roundMedians: rounds.map((r) => r.result.step.median),
    loadBefore: rounds.map((r) => r.load),
  };
}

function nodeRun(dir: string): SideResult {
  const out = execFileSync(
    process.execPath,
    ['--conditions=clipseg-source', '--import', 'tsx', join(here, 'train-browser-workload.ts'), '--dir', dir, '--threads', values.threads!, '--warmup', values.warmup!, '--runs', values.runs!],
    { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return JSON.parse(out.split('\n').find((l) => l.startsWith('BENCH_RESULT '))!.slice('BENCH_RESULT '.length)) as SideResult;
}

async function browserRun(baseUrl: string, dir: string): Promise<SideResult & { crossOriginIsolated: boolean; userAgent: string }> {
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    page.on('console', (m) => {
      if ((m.type() === 'error' || m.type() === 'warning') && !m.text().startsWith('Failed to load resource')) console.error(`  [page ${m.type()}] ${m.text().slice(0, 300)}`);
    });
    page.on('pageerror', (e) => console.error(`  [page error] ${e.message}`));
    page.on('response', (r) => {
      if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) console.error(`  [page] ${r.status()} ${r.url()}`);
    });
    const query = new URLSearchParams({ dir: `${baseUrl}@fs${dir}/`, threads: values.threads!, warmup: values.warmup!, runs: values.runs! });
    await page.goto(`${baseUrl}index.html?${query}`);
    await page.waitForFunction(() => (globalThis as { __bench?: { done: boolean } }).__bench?.done === true, undefined, { timeout: 30 * 60_000, polling: 1000 });
    const outcome = await page.evaluate(() => (globalThis as unknown as { __bench: { result?: SideResult; error?: string; crossOriginIsolated: boolean; userAgent: string } }).__bench);
    if (outcome.error !== undefined || outcome.result === undefined) throw new Error(`the page failed: ${outcome.error}`);
    return { ...outcome.result, crossOriginIsolated: outcome.crossOriginIsolated, userAgent: outcome.userAgent };
  } finally {
    await browser.close();
  }
}

/** The HF checkpoint folder of `model`, created under `work` when needed. */
function checkpointOf(model: string, work: string, shared: string | undefined): string | undefined {
  if (model === 'tiny') return shared ? join(shared, 'golden/clipseg-tiny-refined') : undefined;
  const dir = join(work, `${model}-ckpt`);
  if (!existsSync(join(dir, 'model.safetensors'))) {
    console.error(`preparing ${dir}: random ${model} checkpoint …`);
    const tokenizer = shared ? ['--tokenizer-from', join(shared, 'clip-bpe')] : [];
    execFileSync(process.execPath, ['--conditions=clipseg-source', '--import', 'tsx', CLI, 'init-random', '--preset', model, ...tokenizer, '--force', dir], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  return dir;
}

if (!existsSync(executablePath)) {
  console.error(`train-browser bench skipped: ${executablePath} is missing (apt-get install -y chromium, or set CLIPSEG_CHROMIUM).`);
  process.exit(0);
}
const work = values.work ?? mkdtempSync(join(tmpdir(), 'clipseg-bench-train-browser-'));
mkdirSync(work, { recursive: true });
const shared = sharedDir();
const images = shared ? ['images/chelsea.png', 'images/clipseg_example_image.jpg', 'images/synthetic_random_500x333.png'].map((f) => join(shared, f)) : [];
const server = await createServer({
  configFile: false,
  root: join(here, 'train-browser'),
  logLevel: 'warn',
  resolve: {
    conditions: ['clipseg-source', ...defaultClientConditions],
    alias: [
      { find: /^@clipseg\/runtime-web\/wasm$/, replacement: source('runtime-web/src/wasm.ts') },
      { find: /^@clipseg\/train$/, replacement: source('train/src/index.ts') },
    ],
  },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  server: {
    port: 0,
    host: '127.0.0.1',
    headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cross-Origin-Resource-Policy': 'same-origin' },
    fs: { strict: false },
  },
});
try {
  await server.listen();
  const baseUrl = server.resolvedUrls!.local[0]!;
  const machine = machineInfo();
  const timeout = Number(values['quiet-timeout']);
  const examples = Number(values.examples);
  const rows: { model: string; node: PooledSide; web: PooledSide }[] = [];
  let page: { crossOriginIsolated: boolean; userAgent: string } | undefined;
  for (const model of values.models!.split(',')) {
    const checkpoint = checkpointOf(model, work, shared);
    if (checkpoint === undefined || images.length === 0) {
      console.error(`${model}: skipped, it needs ../shared (the golden checkpoint and the images).`);
      continue;
    }
    const dir = join(work, model);
    console.error(`preparing ${dir}: ${examples} examples, frozen CLIP features …`);
    await prepareTrainingFolder(checkpoint, dir, images, examples);
    const nodeRounds: { result: SideResult; load: number | undefined }[] = [];
    const webRounds: { result: SideResult; load: number | undefined }[] = [];
    for (let round = 0; round < Number(values.rounds); round++) {
      const { load: nodeLoad } = await waitForQuiet(0.3, 3, timeout);
      nodeRounds.push({ result: nodeRun(dir), load: nodeLoad });
      const { load: webLoad } = await waitForQuiet(0.3, 3, timeout);
      const web = await browserRun(baseUrl, dir);
      page = web;
      webRounds.push({ result: web, load: webLoad });
    }
    rows.push({ model, node: pool(nodeRounds), web: pool(webRounds) });
  }
  console.log(`\ntrain-browser bench: decoder fine-tuning steps (DecoderTrainer.step + AdamW.step), batch of ${examples} examples (1 text prompt each) at 352×352, ${values.threads} threads both sides, ${values.rounds} rounds of ${values.warmup} warm-up + ${values.runs} runs; ${page?.userAgent ?? ''}; cross-origin isolated: ${page?.crossOriginIsolated ?? '—'}`);
  console.log(`${'model'.padEnd(14)}${'side'.padEnd(56)}${'step ms, median [min–max]'.padEnd(28)}${'steps/s'.padEnd(10)}${'examples/s'.padEnd(12)}${'round medians, ms'.padEnd(22)}${'other load before, cores'.padEnd(26)}${'graph + session ms'.padEnd(20)}first loss`);
  const cores = (loads: (number | undefined)[]) => loads.map((l) => (l === undefined ? '?' : l.toFixed(2))).join(', ');
  for (const { model, node, web } of rows) {
    for (const side of [node, web]) {
      const { first } = side;
      const perSecond = 1000 / side.step.median;
      const setup = `${first.graphMs.toFixed(0)} + ${first.sessionMs.toFixed(0)}`;
      console.log(
        `${model.padEnd(14)}${`${first.library}, ${first.threads} thr`.padEnd(56)}${formatStats(side.step).padEnd(28)}${perSecond.toFixed(3).padEnd(10)}${(perSecond * first.examples).toFixed(2).padEnd(12)}` +
          `${side.roundMedians.map((m) => m.toFixed(0)).join(', ').padEnd(22)}${cores(side.loadBefore).padEnd(26)}${setup.padEnd(20)}${first.losses[0]}`,
      );
    }
    const lossGap = Math.abs(node.first.losses[0]! - web.first.losses[0]!);
    console.log(`${model.padEnd(14)}web / node step time ${(web.step.median / node.step.median).toFixed(2)}×; ${node.first.parameterCount} decoder parameters; |first loss node − web| ${lossGap.toExponential(2)}; peak RSS node ${node.first.peakRssMb} MB${web.first.warnings?.length ? `; web warnings: ${web.first.warnings.join(' | ')}` : ''}`);
  }
  if (values.json) {
    const strip = (o: unknown) => JSON.parse(JSON.stringify(o, (k, v: unknown) => (k === 'samples' ? undefined : v))) as unknown;
    writeFileSync(values.json, `${JSON.stringify({ machine, settings: { examples, threads: Number(values.threads), warmup: Number(values.warmup), runs: Number(values.runs), rounds: Number(values.rounds) }, page, rows: strip(rows) }, null, 2)}\n`);
  }
} finally {
  await server.close();
  if (!values.work) rmSync(work, { recursive: true, force: true });
}

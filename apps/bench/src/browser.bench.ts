// @clipseg/runtime-web in headless Chromium (onnxruntime-web WASM, SIMD + threads; cross-origin isolated page)
// against @clipseg/runtime-node on the same full-size bundle, image and prompts, in the same run. Vite serves the
// page (src/browser/) with runtime-web's sources and the bundle; playwright drives Debian's Chromium
// (/usr/bin/chromium or $CLIPSEG_CHROMIUM; nothing is downloaded). WebGPU runs only with --webgpu: this machine's
// Chromium has no hardware adapter, only SwiftShader, which emulates the GPU on the CPU.
//
//   pnpm --filter @clipseg/bench bench:browser [--dtype fp32|fp16|int8] [--attention standard|fused] [--runs 5] [--warmup 2] [--threads 2] [--work DIR] [--json FILE] [--webgpu]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright';
import { createServer, defaultClientConditions } from 'vite';
import { ATTENTION_KINDS } from '@clipseg/convert';
import { BUNDLE_WEIGHT_DTYPES } from '@clipseg/core';
import { benchFlag, machineInfo, prepare, REPO_ROOT } from './bench-setup.js';
import { formatStats, PROMPT_COUNTS, type Stats, type WorkloadResult } from './bench-stats.js';
import { waitForQuiet } from './cpu-load.js';

const { values } = parseArgs({
  options: {
    preset: { type: 'string', default: 'rd64-refined' },
    dtype: { type: 'string', default: 'fp32' },
    attention: { type: 'string', default: 'standard' },
    runs: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '2' },
    threads: { type: 'string', default: '2' },
    work: { type: 'string' },
    json: { type: 'string' },
    webgpu: { type: 'boolean', default: false },
    'quiet-timeout': { type: 'string', default: '60' },
  },
});
const here = dirname(fileURLToPath(import.meta.url));
const executablePath = process.env.CLIPSEG_CHROMIUM || '/usr/bin/chromium';
const web = (path: string) => resolve(REPO_ROOT, 'packages/runtime-web/src', path);

interface PageResult extends WorkloadResult {
  readonly sessionInfo: unknown;
  readonly webgpu: unknown;
  readonly warnings: string[];
  readonly crossOriginIsolated: boolean;
  readonly userAgent: string;
}

/** Chromium process ids running now (Linux `ps`; empty elsewhere). */
function chromiumPids(): Set<number> {
  try {
    const out = execFileSync('ps', ['-e', '-o', 'pid=,comm='], { encoding: 'utf8' });
    return new Set(out.trim().split('\n').flatMap((line) => (/chrom/i.test(line) ? [Number(line.trim().split(/\s+/)[0])] : [])));
  } catch {
    return new Set();
  }
}

/** Peak RSS (VmHWM) of the largest of `pids`, MB (Linux; 0 elsewhere): the renderer that ran the model. */
function peakMb(pids: Iterable<number>): number {
  let peak = 0;
  for (const pid of pids) {
    try {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (hwm) peak = Math.max(peak, Math.round(Number(hwm[1]) / 1024));
    } catch {
      // gone, or not Linux
    }
  }
  return peak;
}

async function runPage(baseUrl: string, bundle: string, image: string, provider: 'wasm' | 'webgpu'): Promise<PageResult> {
  const before = chromiumPids();
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...(provider === 'webgpu' ? ['--enable-unsafe-webgpu'] : ['--disable-gpu'])],
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
    const query = new URLSearchParams({ bundle: `${baseUrl}@fs${bundle}/`, image: `${baseUrl}@fs${image}`, provider, threads: values.threads!, warmup: values.warmup!, runs: values.runs! });
    await page.goto(`${baseUrl}index.html?${query}`);
    await page.waitForFunction(() => (globalThis as { __bench?: { done: boolean } }).__bench?.done === true, undefined, { timeout: 20 * 60_000, polling: 1000 });
    const outcome = await page.evaluate(() => (globalThis as unknown as { __bench: { result?: unknown; error?: string } }).__bench);
    if (outcome.error) throw new Error(`the page failed: ${outcome.error}`);
    const ours = [...chromiumPids()].filter((pid) => !before.has(pid));
    return { ...(outcome.result as PageResult), peakRssMb: peakMb(ours) };
  } finally {
    await browser.close();
  }
}

function nodeRun(bundle: string, image: string): WorkloadResult {
  const out = execFileSync(
    process.execPath,
    ['--conditions=clipseg-source', '--import', 'tsx', join(here, 'ours-workload.ts'), '--bundle', bundle, '--image', image, '--threads', values.threads!, '--warmup', values.warmup!, '--runs', values.runs!],
    { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return JSON.parse(out.split('\n').find((l) => l.startsWith('BENCH_RESULT '))!.slice('BENCH_RESULT '.length)) as WorkloadResult;
}

const work = values.work ?? mkdtempSync(join(tmpdir(), 'clipseg-bench-browser-'));
if (!existsSync(executablePath)) {
  console.error(`browser bench skipped: ${executablePath} is missing (apt-get install -y chromium, or set CLIPSEG_CHROMIUM).`);
  process.exit(0);
}
const server = await createServer({
  configFile: false,
  root: join(here, 'browser'),
  logLevel: 'warn',
  resolve: {
    conditions: ['clipseg-source', ...defaultClientConditions],
    alias: [
      { find: /^@clipseg\/runtime-web$/, replacement: web('index.ts') },
      { find: /^@clipseg\/runtime-web\/wasm$/, replacement: web('wasm.ts') },
      { find: /^@clipseg\/runtime-web\/webgpu$/, replacement: web('webgpu.ts') },
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
  const dtype = benchFlag('dtype', values.dtype, BUNDLE_WEIGHT_DTYPES);
  const attention = benchFlag('attention', values.attention, ATTENTION_KINDS);
  const inputs = await prepare(work, values.preset!, dtype, attention);
  await server.listen();
  const baseUrl = server.resolvedUrls!.local[0]!;
  const machine = machineInfo();
  const timeout = Number(values['quiet-timeout']);
  await waitForQuiet(0.3, 3, timeout);
  const node = nodeRun(inputs.bundle, inputs.image);
  await waitForQuiet(0.3, 3, timeout);
  const wasm = await runPage(baseUrl, inputs.bundle, inputs.image, 'wasm');
  const gpu = values.webgpu ? await runPage(baseUrl, inputs.bundle, inputs.image, 'webgpu') : undefined;

  const rows: [string, (r: WorkloadResult) => Stats | undefined][] = [
    ['image encode', (r) => r.encode],
    ['new prompt on an encoded image', (r) => r.newPrompt],
    ['  of which tokenizer + text tower', (r) => r.newPromptParts?.text],
    ['  of which decoder', (r) => r.newPromptParts?.decoder],
    ['decoder alone, 16 prompts', (r) => r.decoder16],
    ...PROMPT_COUNTS.map((k): [string, (r: WorkloadResult) => Stats | undefined] => [`1 image × ${k}, file → masks`, (r) => r.e2e[k]]),
  ];
  console.log(`\nbrowser bench: ${values.preset} ${dtype}, decoder attention ${attention} (both sides), ${values.threads} threads, ${values.warmup} warm-up + ${values.runs} runs; ${wasm.userAgent}; cross-origin isolated: ${wasm.crossOriginIsolated}`);
  console.log(`${'ms, median [min–max]'.padEnd(34)}${'runtime-node'.padEnd(26)}${'runtime-web wasm'.padEnd(26)}web / node`);
  for (const [name, pick] of rows) {
    const a = pick(node);
    const b = pick(wasm);
    console.log(`${name.padEnd(34)}${formatStats(a).padEnd(26)}${formatStats(b).padEnd(26)}${a && b ? `${(b.median / a.median).toFixed(2)}×` : '—'}`);
  }
  console.log(`${'load'.padEnd(34)}${`${node.loadMs}`.padEnd(26)}${`${wasm.loadMs}`.padEnd(26)}${(wasm.loadMs / node.loadMs).toFixed(2)}×`);
  console.log(`${'peak RSS, MB (renderer)'.padEnd(34)}${`${node.peakRssMb}`.padEnd(26)}${`${wasm.peakRssMb}`.padEnd(26)}`);
  console.log(`logits probe: node ${node.probe.mean}/${node.probe.std}, web ${wasm.probe.mean}/${wasm.probe.std}; sessions: ${JSON.stringify(wasm.sessionInfo)}`);
  console.log(`WebGPU: ${JSON.stringify(wasm.webgpu)}${gpu ? `; webgpu run e2e K=1 ${formatStats(gpu.e2e[1])}` : ' (not run; pass --webgpu)'}`);
  const worst = Math.max(...PROMPT_COUNTS.map((k) => wasm.e2e[k]!.median / node.e2e[k]!.median));
  console.log(`target: browser (WASM, ${values.threads} threads) within 2× of runtime-node end to end: ${worst <= 2 ? 'met' : 'MISSED'} (worst ${worst.toFixed(2)}×)`);
  if (values.json) {
    const strip = (o: unknown) => JSON.parse(JSON.stringify(o, (k, v: unknown) => (k === 'samples' ? undefined : v))) as unknown;
    writeFileSync(values.json, `${JSON.stringify({ machine, settings: { dtype, attention, threads: Number(values.threads), warmup: Number(values.warmup), runs: Number(values.runs), image: inputs.imageName }, node: strip(node), wasm: strip(wasm), webgpu: gpu ? strip(gpu) : null }, null, 2)}\n`);
  }
} finally {
  await server.close();
  if (!values.work) rmSync(work, { recursive: true, force: true });
}

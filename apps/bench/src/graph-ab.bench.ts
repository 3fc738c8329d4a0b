// A/B of ONNX graphs in onnxruntime-web (WASM, headless Chromium): raw sessions, no CLIPSeg code, run in turn on the
// same inputs. Used to decide graph changes for the browser (e.g. fused vs standard decoder attention).
//
//   pnpm --filter @clipseg/bench bench:graph-ab A.onnx,B.onnx[,…] [--prompts 1,16] [--runs 15] [--threads 2]
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright';
import { createServer } from 'vite';
import { formatStats, stats } from './bench-stats.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { prompts: { type: 'string', default: '1,16' }, runs: { type: 'string', default: '15' }, threads: { type: 'string', default: '2' } },
});
if (positionals.length !== 1) throw new Error('Give the models to compare: A.onnx,B.onnx');
const models = positionals[0]!.split(',').map((m) => resolve(m));
const here = dirname(fileURLToPath(import.meta.url));
// The page's `onnxruntime-web` is aliased to runtime-web's own copy, the one the library runs on.
const requireWeb = createRequire(createRequire(import.meta.url).resolve('@clipseg/runtime-web/package.json'));
const ortDist = dirname(requireWeb.resolve('onnxruntime-web'));
const server = await createServer({
  configFile: false,
  root: join(here, 'graph-ab'),
  logLevel: 'warn',
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  resolve: { alias: [{ find: /^onnxruntime-web$/, replacement: join(ortDist, 'ort.wasm.min.mjs') }] },
  server: {
    port: 0,
    host: '127.0.0.1',
    headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cross-Origin-Resource-Policy': 'same-origin' },
    fs: { strict: false },
  },
});
await server.listen();
const browser = await chromium.launch({ executablePath: process.env.CLIPSEG_CHROMIUM || '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
try {
  const base = server.resolvedUrls!.local[0]!;
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error(`[page error] ${e.message}`));
  const query = new URLSearchParams({ models: models.map((m) => `${base}@fs${m}`).join(','), prompts: values.prompts!, runs: values.runs!, threads: values.threads!, wasm: `${base}@fs${ortDist}/` });
  await page.goto(`${base}index.html?${query}`);
  await page.waitForFunction(() => (globalThis as { __ab?: unknown }).__ab !== undefined, undefined, { timeout: 20 * 60_000, polling: 500 });
  const outcome = await page.evaluate(() => (globalThis as unknown as { __ab: { result?: Record<string, number[][]>; error?: string } }).__ab);
  if (outcome.error) throw new Error(`the page failed: ${outcome.error}`);
  for (const [k, times] of Object.entries(outcome.result!)) {
    times.forEach((t, i) => console.log(`K = ${k.padEnd(3)} ${formatStats(stats(t)).padEnd(28)} ${models[i]}`));
  }
} finally {
  await browser.close();
  await server.close();
}

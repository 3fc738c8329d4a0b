// End-to-end: builds the playground with Vite's JS API, serves the production build (and, briefly, the dev server)
// on 127.0.0.1, and drives it in headless Chromium through playwright: the example workflow, a picked image, prompts,
// a bad model URL, save/open/autosave/share, keyboard and labels, and screenshots at 1280×800 and in a narrow window.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initRandomCheckpoint, randomCheckpointFiles } from '@clipseg/convert';
import { chromium, type Browser, type Page } from 'playwright';
import { build, createServer, preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEFAULT_MODEL_PATH } from '../server/default-model.js';
import { playgroundViteConfig } from '../server/vite-config.js';
import { probePreview, unnamedControls, unreachableControls } from './page-probes.js';
import { testPicture } from './test-png.js';

const executablePath = process.env.CLIPSEG_CHROMIUM || '/usr/bin/chromium';
const haveChromium = existsSync(executablePath);
// Never skipped in CI (.ci/run installs Chromium); elsewhere, without Chromium, skipped with a message.
const runIt = haveChromium || process.env.CI === 'true';
if (!runIt) console.warn(`playground e2e: ${executablePath} is missing, so it is skipped. Install it (apt-get install -y chromium) or set CLIPSEG_CHROMIUM.`);

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const shots = join(inject('repoRoot'), 'test-results/playground');

let outDir: string;
let server: PreviewServer;
let origin: string;
let browser: Browser;
/** The page the browser tests share (one load of the app for several checks). */
let page: Page;

/** Writes a random tiny HF checkpoint (seed 1, unlike the built-in model's 0) for the page to convert. */
function writeCheckpoint(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of Object.entries(randomCheckpointFiles(initRandomCheckpoint('tiny', { seed: 1 })))) writeFileSync(join(dir, name), bytes);
}

async function openApp(page: Page, url = `${origin}/`): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => (document.querySelector('clipseg-playground') as { editor?: unknown } | null)?.editor !== undefined, undefined, { timeout: 30_000 });
}

/** Waits until node `id` shows a `done` preview of `width`×`height`, and returns it. */
async function donePreview(page: Page, id: string, width: number, height: number) {
  await expect.poll(async () => { const p = await probePreview(page, id); return p && [p.state, p.width, p.height]; }, { timeout: 30_000 }).toEqual(['done', width, height]);
  return (await probePreview(page, id))!;
}

describe.runIf(runIt)('the playground in headless Chromium', { timeout: 240_000 }, () => {
  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'clipseg-playground-'));
    mkdirSync(shots, { recursive: true });
    const config = playgroundViteConfig({ host: '127.0.0.1', port: 0, outDir, logLevel: 'warn' });
    await build(config);
    writeCheckpoint(join(outDir, 'checkpoints/tiny-seed-1'));
    server = await preview(config);
    origin = server.resolvedUrls!.local[0]!.replace(/\/$/, '');
    browser = await chromium.launch({ executablePath, headless: true, args: ARGS });
  });

  afterAll(async () => {
    await page?.close();
    await browser?.close();
    await server?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('serves the built-in model and every page with COOP/COEP, in the production preview and in dev', async () => {
    for (const path of ['/', `/${DEFAULT_MODEL_PATH}manifest.json`]) {
      const response = await fetch(`${origin}${path}`);
      expect(response.status).toBe(200);
      expect([response.headers.get('cross-origin-opener-policy'), response.headers.get('cross-origin-embedder-policy')]).toEqual(['same-origin', 'require-corp']);
    }
    const dev = await createServer(playgroundViteConfig({ host: '127.0.0.1', port: 0, logLevel: 'warn' }));
    try {
      await dev.listen();
      const devOrigin = dev.resolvedUrls!.local[0]!.replace(/\/$/, '');
      for (const path of ['/', `/${DEFAULT_MODEL_PATH}manifest.json`, `/${DEFAULT_MODEL_PATH}decoder.onnx`]) {
        const response = await fetch(`${devOrigin}${path}`);
        expect([path, response.status, response.headers.get('cross-origin-embedder-policy')]).toEqual([path, 200, 'require-corp']);
      }
      const manifest = (await (await fetch(`${devOrigin}/${DEFAULT_MODEL_PATH}manifest.json`)).json()) as unknown;
      expect(manifest).toMatchObject({ format: 'clipseg-onnx-bundle' });
    } finally {
      await dev.close();
    }
  });

  it('runs the example workflow, segments a picked image, and shows the backend and the run time', async () => {
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await openApp(page);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);

    // the example: the procedural scene, two prompts, masks at the image's size with varied content
    for (const id of ['mask-1', 'mask-2', 'overlay-1']) expect((await donePreview(page, id, 480, 320)).levels).toBeGreaterThan(8);
    await expect.poll(() => page.getByTestId('backend').textContent()).toMatch(/WebGPU|WASM · \d+ threads|WASM · single thread/);
    expect(await page.getByTestId('model-label').textContent()).toMatch(/random weights[\s\S]*untrained/);
    expect(await page.getByTestId('run-time').textContent()).toMatch(/\d+ ms/);
    expect(await page.getByTestId('image-caption').textContent()).toContain('example scene, 480×320');

    // pick an image: every mask takes its size
    await page.setInputFiles('#image-file', { name: 'picture.png', mimeType: 'image/png', buffer: testPicture(200, 150) });
    expect((await donePreview(page, 'mask-1', 200, 150)).levels).toBeGreaterThan(8);
    expect((await donePreview(page, 'overlay-2', 200, 150)).levels).toBeGreaterThan(8);
    await expect.poll(() => page.getByTestId('image-caption').textContent()).toContain('200×150');

    // type a prompt in the side panel: the graph's node follows
    await page.getByLabel('Text prompt 1').fill('a green square');
    await expect.poll(() => page.evaluate(() => (document.querySelector('clipseg-playground') as unknown as { editor: { toWorkflow(): { nodes: { id: string; controls?: { text?: string } }[] } } }).editor.toWorkflow().nodes.find((n) => n.id === 'prompt-1')?.controls?.text)).toBe('a green square');
    await donePreview(page, 'mask-1', 200, 150);
    await page.screenshot({ path: join(shots, 'playground-1280x800.png') });
    expect(errors).toEqual([]);
  });

  it('loads models from files and from an HF checkpoint converted in the page; shows what went wrong with a bad URL', async () => {
    // a bad URL: the error says what and what to do, and the model in use stays
    await page.getByLabel('A converted bundle from a URL').check();
    await page.getByLabel('Bundle folder URL').fill(`${origin}/models/no-such-bundle/`);
    await page.getByRole('button', { name: 'Load model' }).click();
    const error = page.getByTestId('model-error');
    await error.waitFor({ timeout: 30_000 });
    expect(await error.textContent()).toMatch(/WEB_NOT_FOUND[\s\S]*manifest\.json/);
    expect(await page.getByTestId('model-label').textContent()).toContain('random weights');
    await error.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, 'playground-model-error.png') });

    // a bundle picked as files (the built-in one, from the build)
    const before = await donePreview(page, 'mask-1', 200, 150);
    await page.getByLabel('A converted bundle on this computer (files or folder)').check();
    const bundleDir = join(outDir, DEFAULT_MODEL_PATH);
    await page.getByLabel('Bundle files').setInputFiles(readdirSync(bundleDir).map((name) => join(bundleDir, name)));
    await page.getByRole('button', { name: 'Load model' }).click();
    await expect.poll(() => page.getByTestId('model-label').textContent(), { timeout: 30_000 }).toContain('bundle (11 files)');
    expect(await page.getByTestId('model-error').count()).toBe(0);

    // an HF checkpoint (random, seed 1) from a URL, converted in the page: the masks change
    await page.getByLabel('An HF checkpoint from a URL, converted here').check();
    await page.getByLabel('Checkpoint folder URL').fill(`${origin}/checkpoints/tiny-seed-1/`);
    await page.getByRole('button', { name: 'Load model' }).click();
    await expect.poll(() => page.getByTestId('model-label').textContent(), { timeout: 60_000 }).toContain('HF checkpoint');
    await expect.poll(async () => (await probePreview(page, 'mask-1'))?.sum, { timeout: 30_000 }).not.toBe(before.sum);
    expect((await donePreview(page, 'mask-1', 200, 150)).levels).toBeGreaterThan(8);
  });

  it('saves, opens, autosaves and shares workflows; refuses a broken file', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } }); // its own context: its own storage
    await openApp(page);
    await page.getByLabel('Text prompt 2').fill('the roof');
    await page.getByLabel('Text prompt 2').press('Enter');
    await donePreview(page, 'mask-2', 480, 320);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save workflow' }).click()]);
    const saved = readFileSync((await download.path())!);
    const workflow = JSON.parse(saved.toString('utf8')) as { format: string; nodes: { id: string; controls?: { text?: string } }[] };
    expect(workflow.format).toBe('clipseg-workflow');
    expect(workflow.nodes.find((n) => n.id === 'prompt-2')?.controls?.text).toBe('the roof');

    await page.getByLabel('Text prompt 2').fill('changed');
    await page.getByLabel('Text prompt 2').press('Enter');
    await page.setInputFiles('#workflow-file', { name: 'saved.clipseg.json', mimeType: 'application/json', buffer: saved });
    await expect.poll(() => page.getByLabel('Text prompt 2').inputValue()).toBe('the roof');
    expect(await page.getByTestId('notice').textContent()).toContain('Opened saved.clipseg.json');
    await donePreview(page, 'mask-2', 480, 320);

    await page.setInputFiles('#workflow-file', { name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"clipseg-workflow","version":1,"nodes":[{"id":"x","type":"nope"}],"connections":[]}') });
    await expect.poll(() => page.getByTestId('notice').textContent()).toContain('WORKFLOW_NODE_UNKNOWN_TYPE');
    expect(await page.getByLabel('Text prompt 2').inputValue()).toBe('the roof');

    // autosave: a reload comes back to the same graph
    await page.reload();
    await page.waitForFunction(() => (document.querySelector('clipseg-playground') as { editor?: unknown } | null)?.editor !== undefined);
    await expect.poll(() => page.getByLabel('Text prompt 2').inputValue()).toBe('the roof');

    // share: the link opens the graph in a fresh browser context (no autosave there)
    await page.getByRole('button', { name: 'Copy share link' }).click();
    const link = await page.getByTestId('share-url').inputValue();
    expect(link).toMatch(/#workflow=[\w-]+$/);
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const other = await context.newPage();
    await openApp(other, link);
    await expect.poll(() => other.getByLabel('Text prompt 2').inputValue()).toBe('the roof');
    expect(await other.getByTestId('notice').textContent()).toContain('from the link');
    await context.close();
    await page.close();
  });

  it('is usable from the keyboard, labels every control, and fits a narrow window', async () => {
    expect(await unnamedControls(page)).toEqual([]);
    expect(await unreachableControls(page)).toEqual([]);

    // add a prompt with the keyboard only
    await page.getByLabel('New prompt').focus();
    await page.keyboard.type('the sun');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByLabel('Text prompt 3').inputValue()).toBe('the sun');
    // Tab walks from the prompt fields to the next panel's controls
    await page.getByLabel('Text prompt 3').focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('text');

    await donePreview(page, 'mask-1', 200, 150);
    await page.setViewportSize({ width: 420, height: 860 });
    await page.waitForTimeout(600); // the graph fits itself to its new box
    await page.evaluate(() => window.scrollTo(0, 0));
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(420);
    await page.screenshot({ path: join(shots, 'playground-narrow-420.png') });
    await page.getByRole('main').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, 'playground-narrow-420-graph.png') });
  });
});

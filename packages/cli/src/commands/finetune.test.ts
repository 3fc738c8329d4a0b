import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CIDAS_PREPROCESSOR_CONFIG, initRandomCheckpoint, randomCheckpointFiles, SeededRandom } from '@clipseg/convert';
import { encodePng, loadCLIPSeg } from '@clipseg/runtime-node';
import type { RasterImage } from '@clipseg/processor';
import { runCli } from '../run-cli.js';
import { commands } from './index.js';

const repoRoot = inject('repoRoot');
const work = mkdtempSync(join(tmpdir(), 'clipseg-finetune-cli-'));
const env = { CLIPSEG_CACHE: join(work, 'cache') };
const checkpoint = join(work, 'checkpoint');
const dataset = join(work, 'data');
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, commands, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: work, env });
  return { code, stdout, stderr };
}

/** A random tiny checkpoint at 128 × 128, and 10 scenes with a red square ("red square") and a blue disc ("blue circle"). */
beforeAll(async () => {
  mkdirSync(checkpoint);
  const files = randomCheckpointFiles(initRandomCheckpoint('tiny', { seed: 0 }));
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(checkpoint, name), bytes);
  writeFileSync(join(checkpoint, 'preprocessor_config.json'), JSON.stringify({ ...CIDAS_PREPROCESSOR_CONFIG, size: { height: 128, width: 128 } }));
  mkdirSync(join(dataset, 'images'), { recursive: true });
  mkdirSync(join(dataset, 'masks'));
  const rng = new SeededRandom(4);
  const lines: string[] = [];
  const coco = { images: [] as object[], annotations: [] as object[], categories: [{ id: 1, name: 'red square' }, { id: 2, name: 'blue circle' }] };
  for (let k = 0; k < 10; k++) {
    const n = 96; // the dataset's images are not the model's size: masks are resized by nearest neighbour
    const rgb = new Uint8Array(n * n * 3).fill(120);
    const square = new Uint8Array(n * n);
    const disc = new Uint8Array(n * n);
    const [sx, sy, cx, cy] = [rng.nextInt(50), rng.nextInt(50), 20 + rng.nextInt(56), 20 + rng.nextInt(56)];
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) {
        const i = y * n + x;
        if ((x - cx) ** 2 + (y - cy) ** 2 < 300) {
          disc[i] = 255;
          rgb.set([30, 40, 220], i * 3);
        } else if (x >= sx && x < sx + 40 && y >= sy && y < sy + 40) {
          square[i] = 255;
          rgb.set([220, 30, 30], i * 3);
        }
      }
    }
    writeFileSync(join(dataset, `images/${k}.png`), await encodePng({ width: n, height: n, channels: 3, data: rgb } as RasterImage));
    for (const [label, mask] of [['red square', square], ['blue circle', disc]] as const) {
      const file = `masks/${k}-${label.replace(' ', '-')}.png`;
      writeFileSync(join(dataset, file), await encodePng({ width: n, height: n, channels: 1, data: mask } as RasterImage));
      lines.push(JSON.stringify({ image: `images/${k}.png`, mask: file, prompt: label }));
    }
    // The same scenes in COCO: the square as a polygon, the disc as a 24-gon; an image prompt per scene.
    coco.images.push({ id: k, file_name: `${k}.png`, width: n, height: n });
    coco.annotations.push({ id: 2 * k, image_id: k, category_id: 1, iscrowd: 0, segmentation: [[sx, sy, sx + 40, sy, sx + 40, sy + 40, sx, sy + 40]] });
    const ring = Array.from({ length: 24 }, (_, j) => [cx + 17 * Math.cos((j * Math.PI) / 12), cy + 17 * Math.sin((j * Math.PI) / 12)]).flat();
    coco.annotations.push({ id: 2 * k + 1, image_id: k, category_id: 2, iscrowd: 0, segmentation: [ring] });
    lines.push(JSON.stringify({ image: `images/${k}.png`, mask: `masks/${k}-red-square.png`, promptImage: 'images/0.png' }));
  }
  writeFileSync(join(dataset, 'dataset.jsonl'), `${lines.join('\n')}\n`);
  writeFileSync(join(dataset, 'instances.json'), JSON.stringify(coco));
}, 60_000);

const base = ['finetune', '--model', 'checkpoint', '--data', 'data', '--epochs', '3', '--batch-size', '4', '--threads', '1', '--validation', '0.2', '--seed', '1'];

describe('clipseg finetune', () => {
  it('fine-tunes and writes an HF checkpoint, its bundle and the record; the bundle segments', async () => {
    const r = await cli(...base, '--out', 'tuned', '--json');
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; step?: number; totalSteps?: number });
    const steps = events.filter((e) => e.type === 'step');
    // 8 training images × 3 prompts (two texts, an example image) = 24 examples, batches of 4: 6 steps per epoch.
    expect(steps.map((e) => e.step)).toEqual(Array.from({ length: 18 }, (_, i) => i + 1));
    expect(events.filter((e) => e.type === 'epoch')).toHaveLength(4);
    expect(events.at(-1)!.type).toBe('done');
    expect(r.stderr).toMatch(/24 to train on, 6 held out/);
    expect(r.stderr).toMatch(/encoded 10 images and 3 prompts once/);
    const out = join(work, 'tuned');
    for (const f of ['config.json', 'model.safetensors', 'preprocessor_config.json', 'vocab.json', 'merges.txt', 'training.json', 'clipseg-output.json', 'bundle/manifest.json']) expect(existsSync(join(out, f)), f).toBe(true);
    expect(readFileSync(join(out, 'config.json'))).toEqual(readFileSync(join(checkpoint, 'config.json')));
    const record = JSON.parse(readFileSync(join(out, 'training.json'), 'utf8')) as { history: { epoch: number; validationIoU: number }[] };
    expect(record.history.map((h) => h.epoch)).toEqual([0, 1, 2, 3]);
    expect(existsSync(join(work, 'tuned.finetune-state.safetensors'))).toBe(false);
    const seg = await loadCLIPSeg(join(out, 'bundle'));
    const result = await seg.segmentImage({ width: 64, height: 64, channels: 3, data: new Uint8Array(64 * 64 * 3).fill(90) } as RasterImage, 'red square');
    expect(result.logits.dims).toEqual([1, 128, 128]);
    await seg.dispose();
    // The checkpoint folder is a model too.
    const again = await cli('segment', '--model', 'tuned', '--prompt', 'red square', '--out', 'seg-out', join(dataset, 'images/0.png'));
    expect(again.code).toBe(0);
  }, 120_000);

  it('reads COCO instance annotations (category names as prompts)', async () => {
    const r = await cli(...base, '--epochs', '1', '--data', 'data', '--coco', 'instances.json', '--images', 'images', '--out', 'coco-tuned');
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/16 to train on, 4 held out/);
    expect(r.stderr).toMatch(/encoded 10 images and 2 prompts once/);
    expect(existsSync(join(work, 'coco-tuned/bundle/manifest.json'))).toBe(true);
    expect((await cli(...base, '--data', 'data', '--coco', 'missing.json', '--out', 'x')).stderr).toMatch(/TRAIN_DATA_INVALID/);
    expect((await cli(...base, '--data', 'data', '--prompt-field', 'category:name', '--out', 'x')).stderr).toMatch(/--prompt-field go with --coco/);
  }, 120_000);

  it('refuses to replace what it did not write, and replaces its own output with --force', async () => {
    mkdirSync(join(work, 'mine'));
    writeFileSync(join(work, 'mine/keep.txt'), 'x');
    const refused = await cli(...base, '--out', 'mine');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/IO_TARGET_EXISTS/);
    expect(readFileSync(join(work, 'mine/keep.txt'), 'utf8')).toBe('x');
    expect((await cli(...base, '--out', 'mine', '--force')).stderr).toMatch(/IO_TARGET_EXISTS/);
    expect((await cli(...base, '--out', 'tuned')).stderr).toMatch(/IO_TARGET_EXISTS/);
    const forced = await cli(...base, '--epochs', '1', '--out', 'tuned', '--force');
    expect(forced.code).toBe(0);
    expect((JSON.parse(readFileSync(join(work, 'tuned/training.json'), 'utf8')) as { history: unknown[] }).history).toHaveLength(2);
  }, 120_000);

  it('refuses bad input before any work, with what to do', async () => {
    const bundle = await cli('init-random', '--preset', 'tiny', 'rand');
    expect(bundle.code).toBe(0);
    await cli('convert', 'rand', 'rand-bundle');
    expect((await cli(...base, '--model', 'rand-bundle', '--out', 'x')).stderr).toMatch(/CLI_INPUT_INVALID.*converted bundle.*HF checkpoint/);
    expect((await cli(...base, '--out', 'x', '--resume')).stderr).toMatch(/CLI_INPUT_NOT_FOUND.*no saved run/);
    writeFileSync(join(work, 'y.finetune-state.safetensors'), 'not ours');
    expect((await cli(...base, '--out', 'y')).stderr).toMatch(/CLI_OUTPUT_EXISTS.*--resume/);
    expect((await cli(...base, '--out', 'y', '--resume')).stderr).toMatch(/TRAINING_STATE_MISMATCH.*damaged/);
    expect(readFileSync(join(work, 'y.finetune-state.safetensors'), 'utf8')).toBe('not ours');
    expect((await cli(...base, '--out', 'x', '--lr', '0')).stderr).toMatch(/CLI_USAGE.*--lr/);
    expect((await cli(...base, '--out', 'x', '--negatives', '1')).stderr).toMatch(/CLI_USAGE.*--negatives/);
    mkdirSync(join(work, 'bad/images'), { recursive: true });
    writeFileSync(join(work, 'bad/dataset.jsonl'), '{"image": "images/none.png", "mask": "m.png", "prompt": "x"}\n{"image": "../up.png", "mask": "m.png", "prompt": "x"}\n');
    const bad = await cli(...base, '--data', 'bad', '--out', 'x');
    expect(bad.stderr).toMatch(/TRAIN_DATA_INVALID/);
    expect(existsSync(join(work, 'x'))).toBe(false);
  }, 120_000);

  it('stops on Ctrl-C with its state saved, and --resume ends with the weights of an uninterrupted run', async () => {
    const straight = await cli(...base, '--epochs', '4', '--out', 'straight');
    expect(straight.code).toBe(0);
    const child = spawn(process.execPath, ['--conditions=clipseg-source', '--import', 'tsx', join(repoRoot, 'packages/cli/src/main.ts'), ...base, '--epochs', '4', '--out', 'resumed'], {
      cwd: repoRoot, // where tsx resolves; main.ts takes INIT_CWD as its working directory
      env: { ...process.env, ...env, INIT_CWD: work },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      // After the first epoch's state is saved, interrupt.
      if (/epoch 1\/4:/.test(stderr) && !child.killed) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((done) => child.on('exit', (c) => done(c)));
    expect(stderr).toMatch(/interrupted: saving the run/);
    expect(code).toBe(130);
    expect(stderr).toMatch(/TRAINING_ABORTED.*--resume/);
    expect(existsSync(join(work, 'resumed.finetune-state.safetensors'))).toBe(true);
    expect(existsSync(join(work, 'resumed'))).toBe(false);
    const resumed = await cli(...base, '--epochs', '4', '--out', 'resumed', '--resume');
    expect(resumed.code).toBe(0);
    expect(readFileSync(join(work, 'resumed/model.safetensors')).equals(readFileSync(join(work, 'straight/model.safetensors')))).toBe(true);
    const history = (name: string) => (JSON.parse(readFileSync(join(work, name, 'training.json'), 'utf8')) as { history: unknown[] }).history;
    expect(history('resumed')).toEqual(history('straight'));
  }, 180_000);
});

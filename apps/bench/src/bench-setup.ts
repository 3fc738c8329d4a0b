// Prepares what the inference benchmark runs on: a random full-size checkpoint (real architecture and cost, the real
// CLIP vocabulary when ../shared has it), its bundle and its single-graph folder, a test image, and a description of
// the machine and the library versions.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AttentionKind } from '@clipseg/convert';
import type { BundleWeightDType } from '@clipseg/core';
import { exampleScene } from '@clipseg/processor';
import { encodePng } from '@clipseg/runtime-node';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root. */
export const REPO_ROOT = resolve(here, '../../..');
/** The `clipseg` CLI, run from its sources. */
const CLI = join(dirname(createRequire(import.meta.url).resolve('@clipseg/cli/package.json')), 'src/main.ts');

/** `../shared` (or `$CLIPSEG_SHARED_DIR`) when it holds the golden data, else `undefined`. */
export function sharedDir(): string | undefined {
  for (const candidate of [process.env.CLIPSEG_SHARED_DIR, resolve(REPO_ROOT, '../shared')]) {
    if (candidate && existsSync(join(candidate, 'golden/README.md'))) return resolve(candidate);
  }
  return undefined;
}

/** The prepared models and inputs. */
export interface BenchInputs {
  readonly bundle: string;
  readonly single: string;
  readonly image: string;
  readonly imageName: string;
  readonly tokenizer: 'CLIP (shared/clip-bpe)' | 'synthetic byte-level (../shared absent: longer token sequences)';
  readonly prepareSeconds: number | undefined;
}

function clipseg(args: string[]): void {
  execFileSync(process.execPath, ['--conditions=clipseg-source', '--import', 'tsx', CLI, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
}

/** Checks a `--dtype` / `--attention`-style flag against the values the converter accepts; returns it typed. */
export function benchFlag<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T {
  if (!(allowed as readonly (string | undefined)[]).includes(value)) throw new Error(`--${flag} takes ${allowed.join(', ')}; got '${value}'`);
  return value as T;
}

/**
 * Writes `work/ckpt` (random `preset` checkpoint), then `work/bundle` (clipseg bundle) and `work/single`
 * (single-graph folder) — `bundle-int8` / `single-int8` for int8 — unless a previous run left them complete
 * (`work/.ready`, `work/.ready-int8`). Every graph change reaches both folders: they come from the same builders.
 */
export async function prepare(work: string, preset: string, dtype: BundleWeightDType = 'fp32', attention: AttentionKind = 'standard'): Promise<BenchInputs> {
  mkdirSync(work, { recursive: true });
  const shared = sharedDir();
  const suffix = `${dtype === 'fp32' ? '' : `-${dtype}`}${attention === 'standard' ? '' : `-${attention}`}`;
  const stamp = join(work, '.ready');
  const dtypeStamp = join(work, `.ready${suffix}`);
  let prepareSeconds: number | undefined;
  const started = performance.now();
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== preset) {
    const tokenizer = shared ? ['--tokenizer-from', join(shared, 'clip-bpe')] : [];
    console.error(`preparing ${work}: random ${preset} checkpoint, fp32 bundle and single-graph folder …`);
    // A new checkpoint invalidates every other variant converted from the old one.
    for (const f of readdirSync(work)) if (f.startsWith('.ready-')) rmSync(join(work, f), { force: true });
    clipseg(['init-random', '--preset', preset, ...tokenizer, '--force', join(work, 'ckpt')]);
    clipseg(['convert', join(work, 'ckpt'), join(work, 'bundle'), '--force']);
    clipseg(['convert', join(work, 'ckpt'), join(work, 'single'), '--layout', 'single', '--force']);
    writeFileSync(stamp, preset);
    prepareSeconds = Math.round((performance.now() - started) / 100) / 10;
  }
  if (suffix !== '' && (!existsSync(dtypeStamp) || readFileSync(dtypeStamp, 'utf8') !== preset)) {
    console.error(`preparing ${work}: ${dtype} bundle and single-graph folder (attention ${attention}) …`);
    const options = ['--dtype', dtype, '--attention', attention, '--force'];
    clipseg(['convert', join(work, 'ckpt'), join(work, `bundle${suffix}`), ...options]);
    clipseg(['convert', join(work, 'ckpt'), join(work, `single${suffix}`), '--layout', 'single', ...options]);
    writeFileSync(dtypeStamp, preset);
    prepareSeconds = Math.round((performance.now() - started) / 100) / 10;
  }
  let image = shared ? join(shared, 'images/clipseg_example_image.jpg') : join(work, 'example-scene.png');
  if (!existsSync(image)) {
    image = join(work, 'example-scene.png');
    writeFileSync(image, await encodePng(exampleScene(640, 480)));
  }
  return {
    bundle: join(work, `bundle${suffix}`),
    single: join(work, `single${suffix}`),
    image,
    imageName: image.startsWith(work) ? 'example scene 640×480 (drawn)' : 'shared/images/clipseg_example_image.jpg',
    tokenizer: shared ? 'CLIP (shared/clip-bpe)' : 'synthetic byte-level (../shared absent: longer token sequences)',
    prepareSeconds,
  };
}

function versionOf(from: string, name: string): string {
  try {
    const require = createRequire(from);
    let dir = dirname(require.resolve(name));
    while (!existsSync(join(dir, 'package.json')) || (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name !== name) {
      const up = dirname(dir);
      if (up === dir) return 'unknown';
      dir = up;
    }
    return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

/** The machine and the versions under test. */
export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly node: string;
  readonly platform: string;
  readonly loadAverage: number[];
  readonly onnxruntimeNode: string;
  readonly transformersJs: string;
  readonly transformersJsOnnxruntimeNode: string;
  readonly date: string;
}

/** Describes this machine and the library versions each side resolves. */
export function machineInfo(): MachineInfo {
  const self = join(here, 'package.json');
  let tjsOrt = 'not installed';
  try {
    const tjsEntry = createRequire(self).resolve('@huggingface/transformers');
    tjsOrt = versionOf(tjsEntry, 'onnxruntime-node');
  } catch {
    // not installed
  }
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverage: loadavg().map((v) => Math.round(v * 100) / 100),
    onnxruntimeNode: versionOf(self, 'onnxruntime-node'),
    transformersJs: versionOf(self, '@huggingface/transformers'),
    transformersJsOnnxruntimeNode: tjsOrt,
    date: new Date().toISOString(),
  };
}

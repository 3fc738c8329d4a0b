import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUNDLE_OPTIONAL_GRAPH_NAMES, memoryFileSet, type BundleOptionalGraphName, type SafetensorsReader, type Tensor } from '@clipseg/core';
import { convertCheckpoint } from '@clipseg/convert';
import { openSafetensorsFile } from '../src/io/safetensors-file.js';
import { writeDirectoryAtomic } from '../src/io/write-directory-atomic.js';

const bundles = new Map<string, Promise<string>>();

/**
 * Converts ../shared's golden tiny checkpoint once per test file (per set of optional graphs) into a temporary
 * bundle folder; by default with every optional graph (format 2).
 */
export function hfGoldenBundle(shared: string, optionalGraphs: readonly BundleOptionalGraphName[] = BUNDLE_OPTIONAL_GRAPH_NAMES): Promise<string> {
  const key = optionalGraphs.join(',');
  let bundle = bundles.get(key);
  if (bundle === undefined) {
    bundle = (async () => {
      const src = join(shared, 'golden/clipseg-tiny-refined');
      const files: Record<string, Uint8Array> = {};
      for (const name of readdirSync(src)) {
        if (name.startsWith('golden.') || name === 'pytorch_model.bin') continue;
        files[name] = new Uint8Array(readFileSync(join(src, name)));
      }
      const converted = await convertCheckpoint(memoryFileSet(files, src), { optionalGraphs });
      const dir = join(mkdtempSync(join(tmpdir(), 'clipseg-hf-golden-')), 'bundle');
      await writeDirectoryAtomic(dir, converted.files.entries());
      return dir;
    })();
    bundles.set(key, bundle);
  }
  return bundle;
}

/**
 * Rewrites a bundle folder's manifest as a format-1 converter wrote it: version 1, no `logitScale`, no optional
 * graphs and no position-embedding table (their files stay, unlisted). Returns the folder.
 */
export function downgradeToFormat1(dir: string): string {
  const path = join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown> & { graphs: Record<string, unknown>; files: Record<string, unknown> };
  const { logitScale: _scale, ...rest } = manifest;
  for (const name of BUNDLE_OPTIONAL_GRAPH_NAMES) delete rest.graphs[name];
  delete rest.files.positionEmbeddings;
  writeFileSync(path, JSON.stringify({ ...rest, formatVersion: 1 }, null, 2));
  return dir;
}

/** Stacks float32 tensors of equal row shape along the first axis (a batch of images). */
export function stackRows(parts: readonly Tensor<'float32'>[]): Tensor<'float32'> {
  const data = new Float32Array(parts.reduce((n, p) => n + p.data.length, 0));
  let offset = 0;
  for (const p of parts) {
    data.set(p.data, offset);
    offset += p.data.length;
  }
  return { type: 'float32', dims: [parts.reduce((n, p) => n + p.dims[0]!, 0), ...parts[0]!.dims.slice(1)], data };
}

/** The golden tensors of the tiny refined model, and a recorder of max errors for the report. */
export class Goldens {
  readonly report: string[] = [];
  private constructor(
    private readonly reader: SafetensorsReader,
    private readonly shared: string,
  ) {}

  static async open(shared: string): Promise<Goldens> {
    return new Goldens(await openSafetensorsFile(join(shared, 'golden/clipseg-tiny-refined/golden.safetensors')), shared);
  }

  /** A golden tensor (`a.logits`, `inputs.input_ids` …). */
  async tensor(name: string): Promise<Tensor> {
    return this.reader.read(name);
  }

  /** A golden float32 tensor's data. */
  async f32(name: string): Promise<Float32Array> {
    return (await this.reader.read(name)).data as Float32Array;
  }

  /** The processor golden `pixel_values` of an image in ../shared/images (by stem). */
  async pixels(stem: string): Promise<Tensor<'float32'>> {
    const reader = await openSafetensorsFile(join(this.shared, `golden/processor/${stem}.safetensors`));
    try {
      return (await reader.read('pixel_values')) as Tensor<'float32'>;
    } finally {
      await reader.close();
    }
  }

  /** Max |a − b|, recorded under `label` with its tolerance; NaN counts as infinite. */
  diff(label: string, actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number): number {
    if (actual.length !== expected.length) throw new Error(`${label}: length ${actual.length} vs ${expected.length}`);
    let max = 0;
    for (let i = 0; i < actual.length; i++) {
      const d = Math.abs(actual[i]! - expected[i]!);
      max = Number.isNaN(d) ? Infinity : Math.max(max, d);
    }
    this.report.push(`${label.padEnd(64)} max |diff| ${max.toExponential(2)} (atol ${atol})`);
    return max;
  }

  async close(): Promise<void> {
    await this.reader.close();
  }
}

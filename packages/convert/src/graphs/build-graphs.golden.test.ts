import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, expect, it } from 'vitest';
import { projectorActivationIndex } from '@clipseg/core/bundle';
import { describeWithShared, sharedDir } from '@clipseg/core/testing';
import type { CheckpointReader, CheckpointTensorInfo } from '../checkpoint/checkpoint-reader.js';
import { buildGraphs } from './build-graphs.js';
import type { BuiltGraphs } from './build-graphs.js';
import type { CLIPSegGraphConfig } from './clipseg-graph-config.js';
import { onnx } from '../onnx/onnx-proto.js';
import { pearson } from '../../test/pearson.js';

const shared = sharedDir();

interface Loaded {
  readonly dtype: string;
  readonly shape: number[];
  readonly data: Float32Array | BigInt64Array;
}

/** An independent safetensors parse (F32 and I64 only). */
function loadSafetensors(file: string): Map<string, Loaded> {
  const bytes = readFileSync(file);
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  const out = new Map<string, Loaded>();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__' || (entry.dtype !== 'F32' && entry.dtype !== 'I64')) continue;
    const buffer = bytes.buffer.slice(bytes.byteOffset + 8 + n + entry.data_offsets[0], bytes.byteOffset + 8 + n + entry.data_offsets[1]);
    out.set(name, { dtype: entry.dtype, shape: entry.shape, data: entry.dtype === 'F32' ? new Float32Array(buffer) : new BigInt64Array(buffer) });
  }
  return out;
}

function readerOver(tensors: Map<string, Loaded>, source: string): CheckpointReader {
  return {
    source,
    list: (): CheckpointTensorInfo[] => [...tensors].map(([name, t]) => ({ name, dtype: t.dtype === 'F32' ? 'F32' : 'I64', shape: t.shape })),
    readFloat32: (name) => Promise.resolve(Float32Array.from(tensors.get(name)!.data as Float32Array)),
    close: () => Promise.resolve(),
  };
}

function maxAbsDiff(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length).toBe(expected.length);
  let max = 0;
  for (let i = 0; i < actual.length; i++) max = Math.max(max, Math.abs(actual[i]! - expected[i]!));
  return Number.isNaN(max) ? Infinity : max;
}

const report: string[] = [];
function expectClose(label: string, actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number): void {
  const diff = maxAbsDiff(actual, expected);
  report.push(`${label}: max |diff| ${diff.toExponential(2)} (atol ${atol})`);
  expect(diff, label).toBeLessThanOrEqual(atol);
}

/** A crop [.., top:top+h, left:left+w] of a [1, 3, H, W] image. */
function crop(pixels: Float32Array, H: number, W: number, top: number, left: number, h: number, w: number): Float32Array {
  const out = new Float32Array(3 * h * w);
  for (let c = 0; c < 3; c++) for (let y = 0; y < h; y++) out.set(pixels.subarray((c * H + top + y) * W + left, (c * H + top + y) * W + left + w), (c * h + y) * w);
  return out;
}

class Sessions {
  private constructor(private readonly sessions: Record<string, ort.InferenceSession>) {}
  static async create(built: BuiltGraphs): Promise<Sessions> {
    const entries = await Promise.all(Object.entries(built.graphs).map(async ([name, bytes]) => [name, await ort.InferenceSession.create(bytes)] as const));
    return new Sessions(Object.fromEntries(entries));
  }
  session(name: string): ort.InferenceSession {
    return this.sessions[name]!;
  }
  async run(name: string, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
    return (await this.sessions[name]!.run(feeds)) as Record<string, ort.Tensor>;
  }
  async text(ids: Loaded): Promise<ort.Tensor> {
    return (await this.run('text_encoder', { input_ids: new ort.Tensor('int64', ids.data as BigInt64Array, ids.shape) })).text_embeds!;
  }
  async vision(pixels: Float32Array, h: number, w: number): Promise<Record<string, ort.Tensor>> {
    return this.run('vision_encoder', { pixel_values: new ort.Tensor('float32', pixels, [1, 3, h, w]) });
  }
  async imageEmbeds(config: CLIPSegGraphConfig, pixels: Float32Array, h: number, w: number): Promise<Float32Array> {
    const acts = await this.vision(pixels, h, w);
    const out = await this.run('image_projector', { hidden_state: acts[`activation_${projectorActivationIndex(config.extract_layers)}`]! });
    return out.image_embeds!.data as Float32Array;
  }
  async logits(acts: Record<string, ort.Tensor>, cond: Float32Array, n: number): Promise<ort.Tensor> {
    return (await this.run('decoder', { ...acts, conditional_embeddings: new ort.Tensor('float32', cond, [n, cond.length / n]) })).logits!;
  }
  async release(): Promise<void> {
    await Promise.all(Object.values(this.sessions).map((s) => s.release()));
  }
}

describeWithShared('CLIPSeg graphs against the tiny-refined goldens', () => {
  const dir = join(shared, 'golden/clipseg-tiny-refined');
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as CLIPSegGraphConfig;
  const golden = loadSafetensors(join(dir, 'golden.safetensors'));
  const g = (name: string): Float32Array => golden.get(name)!.data as Float32Array;
  const pixelsOf = (image: string): Float32Array => loadSafetensors(join(shared, `golden/processor/${image}.safetensors`)).get('pixel_values')!.data as Float32Array;
  const chelsea = pixelsOf('chelsea');
  const exampleImage = pixelsOf('clipseg_example_image');
  const weights = loadSafetensors(join(dir, 'model.safetensors'));
  let built: BuiltGraphs;
  let s: Sessions;

  beforeAll(async () => {
    const start = performance.now();
    built = await buildGraphs(config, readerOver(weights, 'model.safetensors'), { imageSize: { height: 352, width: 352 }, dtype: 'fp32' });
    const sizes = Object.entries(built.graphs).map(([k, v]) => `${k} ${(v.length / 1e6).toFixed(2)} MB`);
    report.push(`tiny model converted in ${(performance.now() - start).toFixed(0)} ms (${sizes.join(', ')})`);
    s = await Sessions.create(built);
    return async () => {
      await s.release();
      console.info(report.join('\n'));
    };
  });

  it('declares inputs and outputs exactly as the contracts say', () => {
    for (const contract of built.contracts) {
      const session = s.session(contract.name);
      expect([...session.inputNames], contract.name).toEqual(contract.inputs.map((t) => t.name));
      expect([...session.outputNames], contract.name).toEqual(contract.outputs.map((t) => t.name));
    }
    expect(built.contracts.find((c) => c.name === 'decoder')!.outputs[0]!.dims).toEqual(['prompts', 352, 352]);
  });

  it('uses every initializer, stores each weight once across the graphs, and never tiles the activations', () => {
    const owners = new Map<string, string>();
    for (const [name, bytes] of Object.entries(built.graphs)) {
      const graph = onnx.ModelProto.decode(bytes).graph!;
      const consumed = new Set(graph.node!.flatMap((n) => n.input ?? []));
      for (const t of graph.initializer ?? []) {
        expect(consumed.has(t.name!), `${name}: ${t.name!} unused`).toBe(true);
        const weight = t.name!.replace(/::T$/, '');
        if (weight.includes('.')) {
          expect(owners.get(weight), `${weight} stored twice`).toBeUndefined();
          owners.set(weight, name);
        }
      }
      if (name === 'decoder') expect(graph.node!.some((n) => n.opType === 'Tile')).toBe(false);
    }
    expect(owners.get('clip.vision_model.encoder.layers.3.mlp.fc2.weight')).toBe('vision_encoder');
    expect(owners.get('clip.vision_model.post_layernorm.weight')).toBe('image_projector');
  });

  it('text_encoder gives a.text_embeds for the eos-padded batch and b.conditional_embeddings for the 77-padded one', async () => {
    const short = await s.text(golden.get('inputs.input_ids')!);
    expect(short.dims).toEqual([3, 24]);
    expectClose('a.text_embeds', short.data as Float32Array, g('a.text_embeds'), 1e-5);
    const long = await s.text(golden.get('inputs.input_ids_77')!);
    expectClose('b.conditional_embeddings', long.data as Float32Array, g('b.conditional_embeddings'), 1e-5);
    expect(maxAbsDiff(long.data as Float32Array, short.data as Float32Array)).toBeLessThanOrEqual(1e-6);
  });

  it('vision_encoder gives a.decoder_activations.k', async () => {
    const acts = await s.vision(chelsea, 352, 352);
    for (let k = 0; k < 3; k++) {
      expect(acts[`activation_${k}`]!.dims).toEqual([1, 485, 48]);
      expectClose(`a.decoder_activations.${k}`, acts[`activation_${k}`]!.data as Float32Array, g(`a.decoder_activations.${k}`), 1e-4);
    }
  });

  it('vision_encoder + image_projector give a.image_embeds and c.conditional_embeddings', async () => {
    expectClose('a.image_embeds', await s.imageEmbeds(config, chelsea, 352, 352), g('a.image_embeds'), 1e-5);
    expectClose('c.conditional_embeddings', await s.imageEmbeds(config, exampleImage, 352, 352), g('c.conditional_embeddings'), 1e-5);
  });

  it('case a: three text prompts on one image (activations not tiled)', async () => {
    const acts = await s.vision(chelsea, 352, 352);
    const logits = await s.logits(acts, (await s.text(golden.get('inputs.input_ids')!)).data as Float32Array, 3);
    expect(logits.dims).toEqual([3, 352, 352]);
    expectClose('a.logits', logits.data as Float32Array, g('a.logits'), 1e-4);
  });

  it('case c: an image prompt', async () => {
    const cond = await s.imageEmbeds(config, exampleImage, 352, 352);
    const logits = await s.logits(await s.vision(chelsea, 352, 352), cond, 1);
    expectClose('c.logits', logits.data as Float32Array, g('c.logits'), 1e-4);
  });

  it('case d: two images with given conditional embeddings, the decoder run per image', async () => {
    const cond = g('inputs.conditional_embeddings');
    const expected = g('d.logits');
    const plane = 352 * 352;
    for (const [i, pixels] of [chelsea, exampleImage].entries()) {
      const logits = await s.logits(await s.vision(pixels, 352, 352), cond.slice(24 * i, 24 * (i + 1)), 1);
      expectClose(`d.logits[${i}]`, logits.data as Float32Array, expected.subarray(plane * i, plane * (i + 1)), 1e-4);
    }
  });

  it('case e: the synthetic 500×333 image with "a cat"', async () => {
    const cond = (await s.text(golden.get('inputs.input_ids_a_cat')!)).data as Float32Array;
    const logits = await s.logits(await s.vision(pixelsOf('synthetic_random_500x333'), 352, 352), cond, 1);
    expectClose('e.logits', logits.data as Float32Array, g('e.logits'), 1e-4);
  });

  it('case f: converted at 224×224 and at 320×256, the crops give f.image_embeds_*', async () => {
    for (const [h, w, top, left, name] of [
      [224, 224, 64, 64, 'f.image_embeds_224'],
      [320, 256, 16, 48, 'f.image_embeds_320x256'],
    ] as const) {
      const other = await buildGraphs(config, readerOver(weights, 'model.safetensors'), { imageSize: { height: h, width: w } });
      const sessions = await Sessions.create(other);
      try {
        expectClose(name, await sessions.imageEmbeds(config, crop(chelsea, 352, 352, top, left, h, w), h, w), g(name), 1e-5);
        const logits = await sessions.logits(await sessions.vision(crop(chelsea, 352, 352, top, left, h, w), h, w), g('a.text_embeds').slice(0, 24), 1);
        expect(logits.dims).toEqual([1, h, w]);
      } finally {
        await sessions.release();
      }
    }
  });

  it('stores matrices as float16 when asked, halving the size and staying close', async () => {
    const half = await buildGraphs(config, readerOver(weights, 'model.safetensors'), { dtype: 'fp16' });
    const sessions = await Sessions.create(half);
    try {
      for (const name of ['text_encoder', 'vision_encoder'] as const) expect(half.graphs[name].length).toBeLessThan(0.6 * built.graphs[name].length);
      const cond = (await sessions.text(golden.get('inputs.input_ids')!)).data as Float32Array;
      const logits = await sessions.logits(await sessions.vision(chelsea, 352, 352), cond, 3);
      // float16 weights are not the reference: a sanity bound only (logits range ±6).
      const diff = maxAbsDiff(logits.data as Float32Array, g('a.logits'));
      report.push(`fp16 weights: a.logits max |diff| ${diff.toExponential(2)} (informative)`);
      expect(diff).toBeLessThan(0.1);
    } finally {
      await sessions.release();
    }
  });

  it("builds the decoder's attention as onnxruntime's fused MultiHeadAttention when asked, to the same goldens on CPU", async () => {
    const fused = await buildGraphs(config, readerOver(weights, 'model.safetensors'), { attention: 'fused' });
    const ops = (bytes: Uint8Array) => (onnx.ModelProto.decode(bytes).graph?.node ?? []).map((n) => n.opType);
    expect(ops(fused.graphs.decoder)).toContain('MultiHeadAttention');
    expect(ops(built.graphs.decoder)).not.toContain('MultiHeadAttention');
    const sessions = await Sessions.create(fused);
    try {
      const cond = (await sessions.text(golden.get('inputs.input_ids')!)).data as Float32Array;
      expectClose('a.logits (attention: fused)', (await sessions.logits(await sessions.vision(chelsea, 352, 352), cond, 3)).data as Float32Array, g('a.logits'), 1e-4);
    } finally {
      await sessions.release();
    }
    await expect(buildGraphs(config, readerOver(weights, 'model.safetensors'), { attention: 'flash' as never })).rejects.toMatchObject({ code: 'CONVERT_INVALID_OPTIONS' });
  });

  it('quantises Linear layers to int8 when asked: a quarter of their bytes, the logits correlate and the masks agree', async () => {
    const int8 = await buildGraphs(config, readerOver(weights, 'model.safetensors'), { dtype: 'int8' });
    const model = onnx.ModelProto.decode(int8.graphs.vision_encoder);
    expect((model.opsetImport ?? []).map((o) => o.domain)).toContain('com.microsoft');
    const nodes = model.graph?.node ?? [];
    expect(nodes.filter((n) => n.opType === 'DynamicQuantizeMatMul').length).toBe(6 * 4);
    expect(nodes.some((n) => n.opType === 'MatMul' && (n.input ?? []).some((i) => i.endsWith('::T')))).toBe(false);
    const sessions = await Sessions.create(int8);
    try {
      const cond = (await sessions.text(golden.get('inputs.input_ids')!)).data as Float32Array;
      const logits = (await sessions.logits(await sessions.vision(chelsea, 352, 352), cond, 3)).data as Float32Array;
      const expected = g('a.logits');
      // int8 is not the reference: it is judged by how well it keeps the reference's masks (docs/benchmarks.md).
      let inter = 0;
      let union = 0;
      for (let i = 0; i < expected.length; i++) {
        if (logits[i]! > 0 && expected[i]! > 0) inter += 1;
        if (logits[i]! > 0 || expected[i]! > 0) union += 1;
      }
      const correlation = pearson(logits, expected);
      report.push(`int8 weights: a.logits max |diff| ${maxAbsDiff(logits, expected).toExponential(2)}, correlation ${correlation.toFixed(5)}, mask IoU ${(inter / union).toFixed(4)} (informative)`);
      expect(correlation).toBeGreaterThan(0.995);
      expect(inter / union).toBeGreaterThan(0.95);
    } finally {
      await sessions.release();
    }
  });
});

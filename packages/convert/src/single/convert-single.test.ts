import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bytesSource, CLIPSegConfig, memoryFileSet, openSafetensors, type Tensor } from '@clipseg/core';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeWithShared, sharedDir } from '@clipseg/core/testing';
import { folderFiles } from '../../test/folder-files.js';
import { convertCheckpoint } from '../bundle/convert-checkpoint.js';
import { initRandomCheckpoint } from '../random/init-random.js';
import { convertCheckpointSingle } from './convert-single.js';
import { SINGLE_MODEL_FILE, singleModelContract } from './single-model.js';

const shared = sharedDir();

const concat = (chunks: Iterable<Uint8Array>) => {
  const parts = [...chunks];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out;
};

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return Number.isNaN(max) ? Infinity : max;
}

const session = (bytes: Uint8Array) => ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
const ids = (rows: number[][]) => {
  const width = Math.max(...rows.map((r) => r.length));
  const data = new BigInt64Array(rows.length * width).fill(49407n);
  rows.forEach((r, i) => r.forEach((v, j) => (data[i * width + j] = BigInt(v))));
  const mask = new BigInt64Array(rows.length * width);
  rows.forEach((r, i) => mask.fill(1n, i * width, i * width + r.length));
  return { input_ids: new ort.Tensor('int64', data, [rows.length, width]), attention_mask: new ort.Tensor('int64', mask, [rows.length, width]) };
};

/** The four-graph pipeline by hand: text_encoder → text_embeds; vision_encoder → activations; decoder → logits. */
async function fourGraphLogits(bundle: ReadonlyMap<string, Uint8Array>, inputIds: ort.Tensor, pixels: ort.Tensor): Promise<Float32Array> {
  const text = await session(bundle.get('text_encoder.onnx')!);
  const vision = await session(bundle.get('vision_encoder.onnx')!);
  const decoder = await session(bundle.get('decoder.onnx')!);
  const { text_embeds } = await text.run({ input_ids: inputIds });
  const activations = await vision.run({ pixel_values: pixels });
  const feeds: Record<string, ort.Tensor> = { conditional_embeddings: text_embeds! };
  for (const name of decoder.inputNames) if (name.startsWith('activation_')) feeds[name] = activations[name]!;
  const { logits } = await decoder.run(feeds);
  await Promise.all([text.release(), vision.release(), decoder.release()]);
  return logits!.data as Float32Array;
}

async function singleLogits(model: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<ort.Tensor> {
  const s = await session(model);
  const { logits } = await s.run(feeds);
  await s.release();
  return logits!;
}

function randomPixels(size: number, seed: number): ort.Tensor {
  const data = new Float32Array(3 * size * size);
  let x = seed;
  for (let i = 0; i < data.length; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    data[i] = (x / 2147483648) * 4 - 2;
  }
  return new ort.Tensor('float32', data, [1, 3, size, size]);
}

describe('convertCheckpointSingle on a random tiny checkpoint', () => {
  let files: Record<string, Uint8Array>;
  beforeAll(() => {
    const c = initRandomCheckpoint('tiny', { seed: 5 });
    files = { ...c.files, 'model.safetensors': concat(c.weights) };
  });

  it('writes onnx/model.onnx with HF I/O, the HF files and a tokenizer.json', async () => {
    const single = await convertCheckpointSingle(memoryFileSet(files));
    expect([...single.files.keys()].sort()).toEqual(
      ['config.json', 'merges.txt', SINGLE_MODEL_FILE, 'preprocessor_config.json', 'special_tokens_map.json', 'tokenizer.json', 'tokenizer_config.json', 'vocab.json'].sort(),
    );
    const s = await session(single.files.get(SINGLE_MODEL_FILE)!);
    expect(s.inputNames).toEqual(['input_ids', 'pixel_values', 'attention_mask']);
    expect(s.outputNames).toEqual(['logits']);
    await s.release();
    const config = CLIPSegConfig.fromJSON(new TextDecoder().decode(files['config.json']));
    expect(single.contract).toEqual(singleModelContract(config, { height: 352, width: 352 }));
  });

  it('gives the four-graph pipeline’s logits for one image and several prompts, with any padding', async () => {
    const single = await convertCheckpointSingle(memoryFileSet(files));
    const bundle = await convertCheckpoint(memoryFileSet(files));
    const pixels = randomPixels(352, 7);
    const prompts = ids([[49406, 320, 2368, 49407], [49406, 1, 2, 3, 4, 5, 49407], [49406, 49407]]);
    const expected = await fourGraphLogits(bundle.files, prompts.input_ids, pixels);
    const logits = await singleLogits(single.files.get(SINGLE_MODEL_FILE)!, { ...prompts, pixel_values: pixels });
    expect(logits.dims).toEqual([3, 352, 352]);
    expect(maxAbsDiff(logits.data as Float32Array, expected)).toBeLessThanOrEqual(1e-5);
    // The attention mask is not read: zeroing it changes nothing.
    const zeros = new ort.Tensor('int64', new BigInt64Array(prompts.attention_mask.size), prompts.attention_mask.dims);
    const unmasked = await singleLogits(single.files.get(SINGLE_MODEL_FILE)!, { ...prompts, attention_mask: zeros, pixel_values: pixels });
    expect(maxAbsDiff(unmasked.data as Float32Array, logits.data as Float32Array)).toBe(0);
  });

  it('validates in a backend and honours dtype and image size', async () => {
    const backend = {
      name: 'ort-test',
      createSession: async (model: unknown) => {
        const s = await session(model as Uint8Array);
        return { inputNames: s.inputNames, outputNames: s.outputNames, inputSpecs: [], info: { backend: 'ort', executionProvider: 'cpu' }, run: () => Promise.resolve({}), dispose: () => s.release() };
      },
    };
    const phases: string[] = [];
    const single = await convertCheckpointSingle(memoryFileSet(files), { dtype: 'fp16', imageSize: 224, validateWith: backend, onProgress: (p) => phases.push(p.phase) });
    expect(phases).toContain('merge');
    expect(phases.at(-1)).toBe('validate-single');
    const fp32 = await convertCheckpointSingle(memoryFileSet(files), { imageSize: 224 });
    expect(single.files.get(SINGLE_MODEL_FILE)!.byteLength / fp32.files.get(SINGLE_MODEL_FILE)!.byteLength).toBeLessThan(0.6);
    const feeds = { ...ids([[49406, 320, 49407]]), pixel_values: randomPixels(224, 3) };
    const a = await singleLogits(single.files.get(SINGLE_MODEL_FILE)!, feeds);
    const b = await singleLogits(fp32.files.get(SINGLE_MODEL_FILE)!, feeds);
    expect(a.dims).toEqual([1, 224, 224]);
    expect(maxAbsDiff(a.data as Float32Array, b.data as Float32Array)).toBeLessThan(1e-2);
    const pre = JSON.parse(new TextDecoder().decode(single.files.get('preprocessor_config.json'))) as { size: unknown };
    expect(pre.size).toEqual({ height: 224, width: 224 });
  });

  it('refuses a model whose I/O the validating backend does not see', async () => {
    const backend = {
      name: 'wrong',
      createSession: () =>
        Promise.resolve({ inputNames: ['x'], outputNames: ['logits'], inputSpecs: [], info: { backend: 'x', executionProvider: 'cpu' }, run: () => Promise.resolve({}), dispose: () => Promise.resolve() }),
    };
    await expect(convertCheckpointSingle(memoryFileSet(files), { validateWith: backend })).rejects.toMatchObject({ code: 'CONVERT_GRAPH_INVALID' });
  });
});

describeWithShared('convertCheckpointSingle on the golden tiny model', () => {
  it('gives the golden logits and the four-graph pipeline’s', async () => {
    const dir = join(shared, 'golden/clipseg-tiny-refined');
    const files = memoryFileSet(folderFiles(dir, ['pytorch_model.bin', 'golden.safetensors', 'golden.json']));
    const single = await convertCheckpointSingle(files);
    const bundle = await convertCheckpoint(files);
    const golden = await (await openSafetensors(bytesSource(new Uint8Array(readFileSync(join(dir, 'golden.safetensors')))))).readAll();
    const chelsea = await (await openSafetensors(bytesSource(new Uint8Array(readFileSync(join(shared, 'golden/processor/chelsea.safetensors')))))).readAll();
    const ort64 = (t: Tensor) => new ort.Tensor('int64', t.data as BigInt64Array, [...t.dims]);
    const pixels = new ort.Tensor('float32', chelsea.pixel_values!.data as Float32Array, [1, 3, 352, 352]);
    const inputIds = ort64(golden['inputs.input_ids']!);
    const logits = await singleLogits(single.files.get(SINGLE_MODEL_FILE)!, { input_ids: inputIds, attention_mask: ort64(golden['inputs.attention_mask']!), pixel_values: pixels });
    const four = await fourGraphLogits(bundle.files, inputIds, pixels);
    expect(logits.dims).toEqual([3, 352, 352]);
    expect(maxAbsDiff(logits.data as Float32Array, four)).toBeLessThanOrEqual(1e-5);
    expect(maxAbsDiff(logits.data as Float32Array, golden['a.logits']!.data as Float32Array)).toBeLessThanOrEqual(1e-4);
  });
});

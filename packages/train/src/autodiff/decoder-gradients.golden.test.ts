/**
 * The differentiator on the converter's real decoder graph, against the PyTorch goldens of
 * `golden/training/` (case `decoder.`: frozen CLIP, text prompts, BCE-with-logits mean over both prompts).
 * HF's batch holds two (image, prompt) rows; the decoder graph takes one image, so each row runs on its own and
 * the loss and gradients are averaged (both rows have the same number of pixels, so this is the batch mean).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildGraphs, expectedParameters } from '@clipseg/convert';
import type { CheckpointReader, CLIPSegGraphConfig } from '@clipseg/convert';
import { WeightStore, buildDecoderGraph, writeModel } from '@clipseg/convert/graph';
import { describeWithShared } from '@clipseg/core/testing';
import * as ort from 'onnxruntime-node';
import { expect, it } from 'vitest';
import { bceWithLogitsMean } from './bce-with-logits.js';
import { addGradients } from './differentiate.js';

interface Loaded {
  readonly shape: number[];
  readonly data: Float32Array | BigInt64Array;
}

function loadSafetensors(file: string): Map<string, Loaded> {
  const bytes = readFileSync(file);
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  const out = new Map<string, Loaded>();
  for (const [name, e] of Object.entries(header)) {
    if (name === '__metadata__' || (e.dtype !== 'F32' && e.dtype !== 'I64')) continue;
    const buffer = bytes.buffer.slice(bytes.byteOffset + 8 + n + e.data_offsets[0], bytes.byteOffset + 8 + n + e.data_offsets[1]);
    out.set(name, { shape: e.shape, data: e.dtype === 'F32' ? new Float32Array(buffer) : new BigInt64Array(buffer) });
  }
  return out;
}

interface DecoderCase {
  readonly loss_fp64: number;
  readonly grad_names: string[];
  readonly grad_max_abs: Record<string, number>;
}

describeWithShared('decoder gradients against the PyTorch training goldens', (shared) => {
  it('matches the loss within 1e-6 and every decoder gradient within max(1e-4 × max|grad|, 1e-6)', async () => {
    const dir = join(shared, 'golden/clipseg-tiny-refined');
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as CLIPSegGraphConfig;
    const weights = loadSafetensors(join(dir, 'model.safetensors'));
    const reader: CheckpointReader = {
      source: 'model.safetensors',
      list: () => [...weights].map(([name, t]) => ({ name, dtype: t.data instanceof Float32Array ? 'F32' : 'I64', shape: t.shape })),
      readFloat32: (name) => Promise.resolve(Float32Array.from(weights.get(name)!.data as Float32Array)),
      close: () => Promise.resolve(),
    };
    const golden = loadSafetensors(join(shared, 'golden/training/clipseg-tiny-refined.safetensors'));
    const meta = (JSON.parse(readFileSync(join(shared, 'golden/training/clipseg-tiny-refined.json'), 'utf8')) as { cases: { decoder: DecoderCase } }).cases.decoder;
    const size = { height: 352, width: 352 };

    const g = buildDecoderGraph(config, new WeightStore(reader, expectedParameters(config), 'fp32'), size);
    const target = g.input('target', 'float32', ['prompts', 352, 352]);
    const loss = g.op('Identity', [bceWithLogitsMean(g, 'logits', target)], {}, 'loss');
    g.output(loss, 'float32', []);
    // The parameters: HF-named initializers (`<name>` or `<name>::T`), not the builder's constants (`scope/const_*`).
    const params = g.initializers().map((e) => e.name).filter((name) => name.startsWith('decoder.') && !name.includes('/'));
    const { outputs, unreached } = addGradients(g, { loss, wrt: params });
    expect(unreached).toEqual([]);
    expect(outputs.size).toBe(meta.grad_names.length);

    const built = await buildGraphs(config, reader, { imageSize: size });
    const sessions = await Promise.all([built.graphs.text_encoder, built.graphs.vision_encoder, await writeModel(g)].map((m) => ort.InferenceSession.create(m)));
    const [text, vision, train] = sessions as [ort.InferenceSession, ort.InferenceSession, ort.InferenceSession];
    try {
      const ids = golden.get('inputs.input_ids')!;
      const embeds = (await text.run({ input_ids: new ort.Tensor('int64', ids.data as BigInt64Array, ids.shape) }))['text_embeds']!;
      const dim = embeds.dims[1]!;
      const targets = golden.get('inputs.target')!.data as Float32Array;
      const pixels = 352 * 352;
      const grads = new Map<string, Float64Array>();
      let lossMean = 0;
      for (const [row, image] of ['chelsea', 'clipseg_example_image'].entries()) {
        const px = loadSafetensors(join(shared, `golden/processor/${image}.safetensors`)).get('pixel_values')!;
        const acts = await vision.run({ pixel_values: new ort.Tensor('float32', px.data as Float32Array, px.shape) });
        const feeds: Record<string, ort.Tensor> = {
          conditional_embeddings: new ort.Tensor('float32', (embeds.data as Float32Array).slice(row * dim, (row + 1) * dim), [1, dim]),
          target: new ort.Tensor('float32', targets.slice(row * pixels, (row + 1) * pixels), [1, 352, 352]),
        };
        for (const name of train.inputNames) if (name.startsWith('activation_')) feeds[name] = acts[name]!;
        const out = await train.run(feeds);
        lossMean += Number(out['loss']!.data[0]) / 2;
        for (const [param, output] of outputs) {
          const d = out[output]!.data as Float32Array;
          const acc = grads.get(param) ?? new Float64Array(d.length);
          d.forEach((v, k) => (acc[k] = acc[k]! + v / 2));
          grads.set(param, acc);
        }
      }
      expect(Math.abs(lossMean - meta.loss_fp64)).toBeLessThan(1e-6);
      expect(meta.grad_names.length).toBeGreaterThan(0);
      for (const name of meta.grad_names) {
        const ref = golden.get(`decoder.grad.${name}`)!;
        let ours = grads.get(name);
        const transposed = grads.get(`${name}::T`);
        if (ours === undefined && transposed !== undefined) {
          // Linear weights are stored as `<name>::T` = Wᵀ; their gradient is the transpose of HF's.
          const [rows, cols] = ref.shape as [number, number];
          ours = new Float64Array(rows * cols);
          for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) ours[r * cols + c] = transposed[c * rows + r]!;
        }
        expect(ours, name).toBeDefined();
        const expected = ref.data as Float32Array;
        let diff = 0;
        for (let k = 0; k < expected.length; k++) diff = Math.max(diff, Math.abs(ours![k]! - expected[k]!));
        expect(diff, name).toBeLessThanOrEqual(Math.max(1e-4 * meta.grad_max_abs[name]!, 1e-6));
      }
    } finally {
      await Promise.all(sessions.map((s) => s.release()));
    }
  }, 120_000);
});

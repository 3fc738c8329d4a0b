import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLE_OPTIONAL_GRAPH_NAMES, bytesSource, memoryFileSet, openSafetensors, parseBundleManifest, type SafetensorsReader } from '@clipseg/core';
import { interpolatePositionEmbeddings } from '@clipseg/core/hf';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithShared, sharedDir } from '@clipseg/core/testing';
import { POSITION_EMBEDDINGS_FILE, convertCheckpoint } from '../bundle/convert-checkpoint.js';
import { openCheckpoint } from '../checkpoint/open-checkpoint.js';
import { initRandomCheckpoint } from '../random/init-random.js';
import { buildGraphs, type BuiltGraphs } from './build-graphs.js';
import type { CLIPSegGraphConfig } from './clipseg-graph-config.js';

const shared = sharedDir();

const report: string[] = [];
function expectClose(label: string, actual: ort.Tensor | Float32Array, expected: Float32Array, atol: number): void {
  const a = (actual instanceof Float32Array ? actual : actual.data) as Float32Array;
  expect(a.length, label).toBe(expected.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - expected[i]!));
  report.push(`${label.padEnd(44)} max |diff| ${max.toExponential(2)} (atol ${atol})`);
  expect(max, label).toBeLessThanOrEqual(atol);
}

const file = (path: string) => new Uint8Array(readFileSync(path));
const tensor = (t: { type: string; dims: readonly number[]; data: unknown }) => new ort.Tensor(t.type as 'float32', t.data as Float32Array, [...t.dims]);

describeWithShared('optional graphs against the tiny-refined goldens', () => {
  const dir = join(shared, 'golden/clipseg-tiny-refined');
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as CLIPSegGraphConfig;
  let built: BuiltGraphs;
  let plain: BuiltGraphs;
  let golden: SafetensorsReader;
  let table: Float32Array;
  const sessions: Record<string, ort.InferenceSession> = {};
  const g = async (name: string) => (await golden.read(name)).data as Float32Array;
  const pixels = async (stem: string) => (await (await openSafetensors(bytesSource(file(join(shared, `golden/processor/${stem}.safetensors`))))).read('pixel_values')).data as Float32Array;

  beforeAll(async () => {
    const checkpoint = await openCheckpoint(memoryFileSet({ 'config.json': file(join(dir, 'config.json')), 'model.safetensors': file(join(dir, 'model.safetensors')) }));
    built = await buildGraphs(config, checkpoint.reader, { optionalGraphs: ['decoder_hidden_states', 'text_model', 'vision_model'] });
    plain = await buildGraphs(config, checkpoint.reader);
    table = await checkpoint.reader.readFloat32('clip.vision_model.embeddings.position_embedding.weight');
    golden = await openSafetensors(bytesSource(file(join(dir, 'golden.safetensors'))));
    for (const name of BUNDLE_OPTIONAL_GRAPH_NAMES) sessions[name] = await ort.InferenceSession.create(built.graphs[name]!);
  });
  afterAll(async () => {
    await Promise.all(Object.values(sessions).map((s) => s.release()));
    console.info(report.join('\n'));
  });

  it('adds the optional graphs after the four default ones, which stay byte-identical', () => {
    expect(Object.keys(built.graphs)).toEqual(['text_encoder', 'vision_encoder', 'image_projector', 'decoder', 'text_model', 'vision_model', 'decoder_hidden_states']);
    expect(built.contracts.map((c) => c.name)).toEqual(Object.keys(built.graphs));
    for (const name of ['text_encoder', 'vision_encoder', 'image_projector', 'decoder'] as const) expect(Buffer.from(built.graphs[name]).equals(Buffer.from(plain.graphs[name])), name).toBe(true);
    for (const contract of built.contracts.slice(4)) {
      const session = sessions[contract.name]!;
      expect([...session.inputNames], contract.name).toEqual(contract.inputs.map((t) => t.name));
      expect([...session.outputNames], contract.name).toEqual(contract.outputs.map((t) => t.name));
    }
  });

  it('text_model: last_hidden_state with the attention mask (a.text_last_hidden_state), pooler and text_embeds', async () => {
    const ids = await golden.read('inputs.input_ids');
    const mask = await golden.read('inputs.attention_mask');
    const out = await sessions.text_model!.run({ input_ids: tensor(ids), attention_mask: tensor(mask) });
    expectClose('a.text_last_hidden_state', out.last_hidden_state!, await g('a.text_last_hidden_state'), 1e-5);
    expectClose('a.text_embeds (text_model)', out.text_embeds!, await g('a.text_embeds'), 1e-5);
    expect(out.hidden_state_2!.dims).toEqual([3, 10, 32]);
    const long = await sessions.text_model!.run({ input_ids: tensor(await golden.read('inputs.input_ids_77')), attention_mask: tensor(await golden.read('inputs.attention_mask_77')) });
    expectClose('b.conditional_embeddings (text_model)', long.text_embeds!, await g('b.conditional_embeddings'), 1e-5);
  });

  it('vision_model: every hidden state, pooler and image_embeds at 352 (interpolated) and at 224×224, 320×256', async () => {
    const chelsea = await pixels('chelsea');
    const at352 = await sessions.vision_model!.run({
      pixel_values: new ort.Tensor('float32', chelsea, [1, 3, 352, 352]),
      position_embeddings: new ort.Tensor('float32', interpolatePositionEmbeddings(table, 14, 22, 22), [1, 485, 48]),
    });
    expectClose('a.vision_hidden_states.0', at352.hidden_state_0!, await g('a.vision_hidden_states.0'), 1e-4);
    expectClose('a.vision_hidden_states.1', at352.hidden_state_1!, await g('a.vision_hidden_states.1'), 1e-4);
    for (let k = 0; k < 3; k++) expectClose(`a.decoder_activations.${k} (hidden_state_${k + 2})`, at352[`hidden_state_${k + 2}`]!, await g(`a.decoder_activations.${k}`), 1e-4);
    expectClose('a.vision_pooled_output', at352.pooler_output!, await g('a.vision_pooled_output'), 1e-5);
    expectClose('a.image_embeds (vision_model)', at352.image_embeds!, await g('a.image_embeds'), 1e-5);
    for (const [h, w, top, left, name] of [
      [224, 224, 64, 64, 'f.image_embeds_224'],
      [320, 256, 16, 48, 'f.image_embeds_320x256'],
    ] as const) {
      const crop = new Float32Array(3 * h * w);
      for (let c = 0; c < 3; c++) for (let y = 0; y < h; y++) crop.set(chelsea.subarray((c * 352 + top + y) * 352 + left, (c * 352 + top + y) * 352 + left + w), (c * h + y) * w);
      const out = await sessions.vision_model!.run({
        pixel_values: new ort.Tensor('float32', crop, [1, 3, h, w]),
        position_embeddings: new ort.Tensor('float32', interpolatePositionEmbeddings(table, 14, h / 16, w / 16), [1, 1 + (h / 16) * (w / 16), 48]),
      });
      expectClose(`${name} (vision_model)`, out.image_embeds!, await g(name), 1e-5);
    }
  });

  it('decoder_hidden_states: a.decoder_layer_outputs.k and a.logits for three prompts on one image', async () => {
    const acts = Object.fromEntries(await Promise.all([0, 1, 2].map(async (k) => [`activation_${k}`, new ort.Tensor('float32', await g(`a.decoder_activations.${k}`), [1, 485, 48])] as const)));
    const out = await sessions.decoder_hidden_states!.run({ ...acts, conditional_embeddings: new ort.Tensor('float32', await g('a.text_embeds'), [3, 24]) });
    for (let k = 0; k < 3; k++) expectClose(`a.decoder_layer_outputs.${k}`, out[`hidden_state_${k}`]!, await g(`a.decoder_layer_outputs.${k}`), 1e-4);
    expectClose('a.logits (decoder_hidden_states)', out.logits!, await g('a.logits'), 1e-4);
  });
});

describe('convertCheckpoint with optional graphs', () => {
  const random = initRandomCheckpoint('tiny', { seed: 5 });
  const weights = [...random.weights];
  const model = new Uint8Array(weights.reduce((n, c) => n + c.byteLength, 0));
  weights.reduce((o, c) => (model.set(c, o), o + c.byteLength), 0);
  const files = memoryFileSet({ ...random.files, 'model.safetensors': model });

  it('writes format 2: logitScale, the optional graphs in the manifest and the position-embedding table', async () => {
    const bundle = await convertCheckpoint(files, { optionalGraphs: ['vision_model', 'text_model'] });
    const manifest = parseBundleManifest(new TextDecoder().decode(bundle.files.get('manifest.json')));
    expect(manifest.formatVersion).toBe(2);
    expect(manifest.logitScale).toBe(Math.fround(2.6592));
    expect(Object.keys(manifest.graphs)).toEqual(['text_encoder', 'vision_encoder', 'image_projector', 'decoder', 'text_model', 'vision_model']);
    expect(manifest.graphs.vision_model!.inputs.map((s) => s.dims)).toEqual([['batch', 3, 'height', 'width'], [1, 'tokens', 48]]);
    expect(manifest.files.positionEmbeddings!.path).toBe(POSITION_EMBEDDINGS_FILE);
    const table = await openSafetensors(bytesSource(bundle.files.get(POSITION_EMBEDDINGS_FILE)!));
    expect(table.info('position_embedding').shape).toEqual([197, 48]);
    const plain = await convertCheckpoint(files);
    for (const name of ['text_encoder', 'vision_encoder', 'image_projector', 'decoder']) expect(Buffer.from(bundle.files.get(`${name}.onnx`)!).equals(Buffer.from(plain.files.get(`${name}.onnx`)!))).toBe(true);
    expect(plain.manifest.files.positionEmbeddings).toBeUndefined();
  });

  it('builds the optional graphs with fp16 weights too, and refuses unknown names', async () => {
    const half = await convertCheckpoint(files, { dtype: 'fp16', optionalGraphs: ['text_model'] });
    const session = await ort.InferenceSession.create(half.files.get('text_model.onnx')!);
    const ids = new ort.Tensor('int64', BigInt64Array.from([49406n, 320n, 49407n]), [1, 3]);
    const out = await session.run({ input_ids: ids, attention_mask: new ort.Tensor('int64', BigInt64Array.from([1n, 1n, 1n]), [1, 3]) });
    expect(out.text_embeds!.dims).toEqual([1, 24]);
    await session.release();
    await expect(convertCheckpoint(files, { optionalGraphs: ['vision_tower' as never] })).rejects.toMatchObject({ code: 'CONVERT_INVALID_OPTIONS' });
  });
});

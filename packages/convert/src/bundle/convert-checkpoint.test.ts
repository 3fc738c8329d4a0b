import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { memoryFileSet, openSafetensors, bytesSource, parseBundleManifest, writeSafetensors, type Tensor } from '@clipseg/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeWithShared, sharedDir } from '@clipseg/core/testing';
import { folderFiles } from '../../test/folder-files.js';
import { initRandomCheckpoint } from '../random/init-random.js';
import { convertCheckpoint } from './convert-checkpoint.js';

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
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const same = (a: Uint8Array | undefined, b: Uint8Array | undefined) => a !== undefined && b !== undefined && Buffer.from(a).equals(Buffer.from(b));

function randomTiny(seed = 3): Record<string, Uint8Array> {
  const c = initRandomCheckpoint('tiny', { seed });
  return { ...c.files, 'model.safetensors': concat(c.weights) };
}

describe('convertCheckpoint on a random tiny checkpoint', () => {
  let files: Record<string, Uint8Array>;
  beforeAll(() => {
    files = randomTiny();
  });

  it('writes four graphs, the HF files and a manifest whose sizes and digests are right', async () => {
    const bundle = await convertCheckpoint(memoryFileSet(files, 'ckpt'));
    expect([...bundle.files.keys()].sort()).toEqual(
      [
        'config.json', 'decoder.onnx', 'image_projector.onnx', 'manifest.json', 'merges.txt', 'preprocessor_config.json',
        'special_tokens_map.json', 'text_encoder.onnx', 'tokenizer_config.json', 'vision_encoder.onnx', 'vocab.json',
      ].sort(),
    );
    const manifest = parseBundleManifest(new TextDecoder().decode(bundle.files.get('manifest.json')));
    expect(manifest).toEqual(bundle.manifest);
    for (const entry of [...Object.values(manifest.graphs), manifest.files.config, manifest.files.preprocessor, ...manifest.files.tokenizer]) {
      const bytes = bundle.files.get(entry.path)!;
      expect(entry.bytes, entry.path).toBe(bytes.byteLength);
      expect(entry.sha256, entry.path).toBe(sha(bytes));
    }
    expect(manifest.source.files.map((f) => f.path)).toEqual(['config.json', 'model.safetensors']);
    expect(manifest.source.files[1]!.sha256).toBe(sha(files['model.safetensors']!));
    expect(manifest.imageSize).toEqual({ height: 352, width: 352 });
    expect(manifest.graphs.vision_encoder.inputs[0]).toMatchObject({ name: 'pixel_values', type: 'float32', dims: ['batch', 3, 352, 352] });
    expect(same(bundle.files.get('config.json'), files['config.json'])).toBe(true);
    expect(same(bundle.files.get('preprocessor_config.json'), files['preprocessor_config.json'])).toBe(true);
  });

  it('is deterministic: the same checkpoint gives byte-identical bundles', async () => {
    const a = await convertCheckpoint(memoryFileSet(files));
    const b = await convertCheckpoint(memoryFileSet(randomTiny()));
    for (const [name, bytes] of a.files) expect(same(bytes, b.files.get(name)), name).toBe(true);
  });

  it('honours --image-size: rewrites the preprocessor size and the graph shapes', async () => {
    const bundle = await convertCheckpoint(memoryFileSet(files), { imageSize: { height: 320, width: 256 } });
    expect(bundle.manifest.imageSize).toEqual({ height: 320, width: 256 });
    const pre = JSON.parse(new TextDecoder().decode(bundle.files.get('preprocessor_config.json'))) as { size: unknown; image_mean: number[] };
    expect(pre.size).toEqual({ height: 320, width: 256 });
    expect(pre.image_mean).toEqual([0.485, 0.456, 0.406]);
    expect(bundle.manifest.graphs.decoder.outputs[0]!.dims).toEqual(['prompts', 320, 256]);
  });

  it('stores fp16 weights in about half the bytes', async () => {
    const fp32 = await convertCheckpoint(memoryFileSet(files));
    const fp16 = await convertCheckpoint(memoryFileSet(files), { dtype: 'fp16' });
    const size = (b: typeof fp32) => Object.values(b.manifest.graphs).reduce((n, g) => n + g.bytes, 0);
    expect(fp16.manifest.dtype).toBe('fp16');
    expect(size(fp16) / size(fp32)).toBeLessThan(0.56);
  });

  it('writes the CIDAS preprocessor config when the checkpoint has none', async () => {
    const { 'preprocessor_config.json': _, ...rest } = files;
    const bundle = await convertCheckpoint(memoryFileSet(rest));
    expect(JSON.parse(new TextDecoder().decode(bundle.files.get('preprocessor_config.json'))).size).toEqual({ height: 352, width: 352 });
  });

  it('reads sharded safetensors and gives the same graphs', async () => {
    const reader = await openSafetensors(bytesSource(files['model.safetensors']!));
    const all = await reader.readAll();
    const names = Object.keys(all);
    const half = Math.ceil(names.length / 2);
    const shard = (part: string[]) => writeSafetensors(Object.fromEntries(part.map((n) => [n, all[n] as Tensor])));
    const weightMap = Object.fromEntries(names.map((n, i) => [n, i < half ? 'model-00001-of-00002.safetensors' : 'model-00002-of-00002.safetensors']));
    const { 'model.safetensors': _, ...rest } = files;
    const sharded = {
      ...rest,
      'model.safetensors.index.json': new TextEncoder().encode(JSON.stringify({ metadata: {}, weight_map: weightMap })),
      'model-00001-of-00002.safetensors': shard(names.slice(0, half)),
      'model-00002-of-00002.safetensors': shard(names.slice(half)),
    };
    const a = await convertCheckpoint(memoryFileSet(files));
    const b = await convertCheckpoint(memoryFileSet(sharded));
    for (const g of ['text_encoder.onnx', 'vision_encoder.onnx', 'image_projector.onnx', 'decoder.onnx']) expect(same(a.files.get(g), b.files.get(g)), g).toBe(true);
    expect(b.manifest.source.files.map((f) => f.path)).toEqual([
      'config.json', 'model.safetensors.index.json', 'model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors',
    ]);

    const { 'model-00002-of-00002.safetensors': __, ...missingShard } = sharded;
    await expect(convertCheckpoint(memoryFileSet(missingShard))).rejects.toMatchObject({ code: 'CHECKPOINT_SHARD_MISSING' });
    const swapped = { ...sharded, 'model.safetensors.index.json': new TextEncoder().encode(JSON.stringify({ weight_map: { ...weightMap, [names[0]!]: 'model-00002-of-00002.safetensors' } })) };
    await expect(convertCheckpoint(memoryFileSet(swapped))).rejects.toMatchObject({ code: 'CHECKPOINT_INDEX_INVALID' });
    const escaping = { ...sharded, 'model.safetensors.index.json': new TextEncoder().encode(JSON.stringify({ weight_map: { [names[0]!]: '../x.safetensors' } })) };
    await expect(convertCheckpoint(memoryFileSet(escaping))).rejects.toMatchObject({ code: 'CHECKPOINT_INDEX_INVALID' });
  });

  it('gives typed errors for missing files, missing weights, bad tensors and cancellation', async () => {
    const without = (name: string) => Object.fromEntries(Object.entries(files).filter(([n]) => n !== name));
    await expect(convertCheckpoint(memoryFileSet(without('config.json')))).rejects.toMatchObject({ code: 'CONVERT_MISSING_FILE' });
    await expect(convertCheckpoint(memoryFileSet(without('model.safetensors')))).rejects.toMatchObject({ code: 'CHECKPOINT_NOT_FOUND' });
    await expect(convertCheckpoint(memoryFileSet(without('vocab.json')))).rejects.toMatchObject({ code: 'TOKENIZER_FILES_MISSING' });
    await expect(convertCheckpoint(memoryFileSet({ ...files, 'config.json': new TextEncoder().encode('{"model_type":"bert"}') }))).rejects.toMatchObject({
      code: 'CONFIG_WRONG_MODEL_TYPE',
    });
    const truncated = { ...files, 'model.safetensors': files['model.safetensors']!.subarray(0, 5000) };
    await expect(convertCheckpoint(memoryFileSet(truncated))).rejects.toMatchObject({ code: 'SAFETENSORS_TRUNCATED' });
    const reader = await openSafetensors(bytesSource(files['model.safetensors']!));
    const all = await reader.readAll();
    delete all['decoder.film_mul.weight'];
    await expect(convertCheckpoint(memoryFileSet({ ...files, 'model.safetensors': writeSafetensors(all) }))).rejects.toMatchObject({
      code: 'CONVERT_MISSING_TENSORS',
      message: expect.stringContaining('decoder.film_mul.weight'),
    });
    await expect(convertCheckpoint(memoryFileSet(files), { signal: { aborted: true } })).rejects.toMatchObject({ code: 'CONVERT_ABORTED' });
    await expect(convertCheckpoint(memoryFileSet(files), { imageSize: 350 })).rejects.toMatchObject({ code: 'CONVERT_INVALID_OPTIONS' });
  });
});

describeWithShared('convertCheckpoint on the golden tiny model', () => {
  it('gives byte-identical graphs from model.safetensors and from pytorch_model.bin', async () => {
    const dir = join(shared, 'golden/clipseg-tiny-refined');
    const fromSafetensors = await convertCheckpoint(memoryFileSet(folderFiles(dir, ['pytorch_model.bin', 'golden.safetensors', 'golden.json'])));
    const fromBin = await convertCheckpoint(memoryFileSet(folderFiles(dir, ['model.safetensors', 'golden.safetensors', 'golden.json'])));
    expect(fromBin.manifest.source.files.map((f) => f.path)).toEqual(['config.json', 'pytorch_model.bin']);
    for (const g of ['text_encoder.onnx', 'vision_encoder.onnx', 'image_projector.onnx', 'decoder.onnx']) {
      expect(same(fromSafetensors.files.get(g), fromBin.files.get(g)), g).toBe(true);
    }
  });
});

describe('initRandomCheckpoint', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = concat(initRandomCheckpoint('tiny', { seed: 7 }).weights);
    const b = concat(initRandomCheckpoint('tiny', { seed: 7 }).weights);
    const c = concat(initRandomCheckpoint('tiny', { seed: 8 }).weights);
    expect(sha(a)).toBe(sha(b));
    expect(sha(a)).not.toBe(sha(c));
  });

  it('draws LayerNorm weights around 1 and sets logit_scale from the config', async () => {
    const reader = await openSafetensors(bytesSource(concat(initRandomCheckpoint('tiny', { seed: 1 }).weights)));
    const ln = await reader.readFloat32('clip.vision_model.post_layernorm.weight');
    expect(ln.reduce((s, v) => s + v, 0) / ln.length).toBeCloseTo(1, 1);
    expect((await reader.readFloat32('clip.logit_scale'))[0]).toBeCloseTo(2.6592, 4);
    const w = await reader.readFloat32('clip.text_model.encoder.layers.0.mlp.fc1.weight');
    const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    expect(std).toBeGreaterThan(0.018);
    expect(std).toBeLessThan(0.022);
  });
});

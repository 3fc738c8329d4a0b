import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBundleManifest, type Tensor } from '@clipseg/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithShared, sharedDir } from '@clipseg/core/testing';
import { createNodeBackend, openSafetensorsFile } from '@clipseg/runtime-node';
import { runCli } from '../run-cli.js';
import { commands } from './index.js';

const shared = sharedDir();
const work = mkdtempSync(join(tmpdir(), 'clipseg-convert-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, commands, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: work, env: {} });
  return { code, stdout, stderr };
}

const leftovers = () => readdirSync(work).filter((n) => n.startsWith('.'));
const maxAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

describe('clipseg init-random + convert', () => {
  beforeAll(async () => {
    expect((await cli('init-random', '--preset', 'tiny', '--seed', '5', 'ckpt')).code).toBe(0);
  });

  it('writes a checkpoint and converts it into a bundle that loads', async () => {
    const r = await cli('convert', 'ckpt', 'bundle');
    expect(r.stderr).toMatch(/checking decoder\.onnx in onnxruntime/);
    expect(r.stderr).toMatch(/Wrote .*bundle .*fp32, 352x352/);
    expect(r.code).toBe(0);
    const manifest = parseBundleManifest(readFileSync(join(work, 'bundle/manifest.json'), 'utf8'));
    expect(manifest.source.files.map((f) => f.path)).toEqual(['config.json', 'model.safetensors']);
    expect(leftovers()).toEqual([]);
  });

  it('refuses to overwrite an existing bundle without --force, and replaces it with --force', async () => {
    const before = readFileSync(join(work, 'bundle/manifest.json'));
    const refused = await cli('convert', 'ckpt', 'bundle', '--dtype', 'fp16');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error\[CLI_OUTPUT_EXISTS\]/);
    expect(readFileSync(join(work, 'bundle/manifest.json'))).toEqual(before);
    expect((await cli('convert', 'ckpt', 'bundle', '--dtype', 'fp16', '--force')).code).toBe(0);
    expect(parseBundleManifest(readFileSync(join(work, 'bundle/manifest.json'), 'utf8')).dtype).toBe('fp16');
    expect(leftovers()).toEqual([]);
  });

  it('--force replaces only a bundle of ours: never the checkpoint, a folder holding it, or any other folder', async () => {
    mkdirSync(join(work, 'photos'));
    writeFileSync(join(work, 'photos/holiday.jpg'), 'precious');
    const weights = readFileSync(join(work, 'ckpt/model.safetensors'));
    for (const target of ['ckpt', '.', 'photos', 'ckpt/..']) {
      const r = await cli('convert', 'ckpt', target, '--force');
      expect(r.code, target).toBe(1);
      expect(r.stderr, target).toMatch(/^error\[IO_TARGET_EXISTS\].*(holds the source|is the source|is not a CLIPSeg bundle)/);
    }
    expect(readFileSync(join(work, 'ckpt/model.safetensors')).equals(weights)).toBe(true);
    expect(readFileSync(join(work, 'photos/holiday.jpg'), 'utf8')).toBe('precious');
    expect(leftovers()).toEqual([]);
  });

  it('init-random --force replaces only a checkpoint init-random wrote (marked by clipseg-output.json)', async () => {
    expect(JSON.parse(readFileSync(join(work, 'ckpt/clipseg-output.json'), 'utf8'))).toMatchObject({ format: 'clipseg-output', kind: 'random-checkpoint' });
    mkdirSync(join(work, 'mine'));
    writeFileSync(join(work, 'mine/config.json'), '{"mine":true}');
    for (const target of ['mine', 'bundle']) {
      const r = await cli('init-random', '--preset', 'tiny', '--force', target);
      expect(r.stderr, target).toMatch(/^error\[IO_TARGET_EXISTS\].*not a checkpoint written by 'clipseg init-random'/);
    }
    expect(readFileSync(join(work, 'mine/config.json'), 'utf8')).toBe('{"mine":true}');
    expect((await cli('init-random', '--preset', 'tiny', '--seed', '6', '--force', 'ckpt-again-2')).code).toBe(0);
    expect((await cli('init-random', '--preset', 'tiny', '--seed', '7', '--force', 'ckpt-again-2')).code).toBe(0);
    // --tokenizer-from names a source: never replaced, even when it is a checkpoint of ours.
    const r = await cli('init-random', '--preset', 'tiny', '--tokenizer-from', 'ckpt-again-2', '--force', 'ckpt-again-2');
    expect(r.stderr).toMatch(/^error\[IO_TARGET_EXISTS\].*is the source/);
    expect(leftovers()).toEqual([]);
  });

  it('converts with int8 weights (each graph loaded in onnxruntime before the bundle is written)', async () => {
    const converted = await cli('convert', 'ckpt', 'bundle-int8', '--dtype', 'int8');
    expect(converted.code, converted.stderr).toBe(0);
    expect(converted.stderr).toMatch(/int8/);
    expect(parseBundleManifest(readFileSync(join(work, 'bundle-int8/manifest.json'), 'utf8')).dtype).toBe('int8');
    expect(leftovers()).toEqual([]);
  });

  it('leaves nothing behind when the checkpoint is corrupt', async () => {
    cpSync(join(work, 'ckpt'), join(work, 'broken'), { recursive: true });
    const weights = readFileSync(join(work, 'broken/model.safetensors'));
    writeFileSync(join(work, 'broken/model.safetensors'), weights.subarray(0, weights.length - 100));
    const r = await cli('convert', 'broken', 'out-broken');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error\[SAFETENSORS_TRUNCATED\]/);
    expect(existsSync(join(work, 'out-broken'))).toBe(false);
    expect(leftovers()).toEqual([]);
  });

  it('gives usage and input errors', async () => {
    expect((await cli('convert', 'ckpt')).code).toBe(2);
    expect((await cli('convert', 'ckpt', 'x', '--dtype', 'int4')).stderr).toMatch(/--dtype must be fp32, fp16, int8; got 'int4'/);
    expect((await cli('convert', 'ckpt', 'x', '--attention', 'flash')).stderr).toMatch(/--attention must be standard or fused/);
    expect((await cli('convert', 'ckpt', 'x', '--image-size', 'big')).stderr).toMatch(/--image-size must be N or HxW/);
    expect((await cli('convert', 'ckpt', 'x', '--image-size', '350')).stderr).toMatch(/^error\[CONVERT_INVALID_OPTIONS\]/);
    expect((await cli('convert', 'nowhere', 'x')).stderr).toMatch(/^error\[CLI_INPUT_NOT_FOUND\]/);
    expect((await cli('init-random', '--preset', 'huge', 'y')).stderr).toMatch(/--preset must be one of tiny|--preset must be one of/);
    expect((await cli('init-random', '--preset', 'tiny', 'ckpt')).stderr).toMatch(/^error\[CLI_OUTPUT_EXISTS\]/);
    expect((await cli('init-random', '--preset', 'tiny', '--seed', '-1', 'z')).code).toBe(2);
    expect(existsSync(join(work, 'x'))).toBe(false);
  });

  it('init-random is byte-for-byte deterministic', async () => {
    expect((await cli('init-random', '--preset', 'tiny', '--seed', '5', 'ckpt-again')).code).toBe(0);
    expect(readFileSync(join(work, 'ckpt-again/model.safetensors')).equals(readFileSync(join(work, 'ckpt/model.safetensors')))).toBe(true);
  });
});

describeWithShared('clipseg convert on the golden tiny model', () => {
  const golden = join(shared, 'golden/clipseg-tiny-refined');

  it.each(['model.safetensors', 'pytorch_model.bin'])('converts from %s and its graphs reproduce the golden logits (cases a, c, d)', async (weights) => {
    const ckpt = join(work, `golden-${weights}`);
    for (const name of readdirSync(golden)) {
      if (name.startsWith('golden.')) continue;
      if ((name === 'model.safetensors' || name === 'pytorch_model.bin') && name !== weights) continue;
      cpSync(join(golden, name), join(ckpt, name));
    }
    const out = join(work, `bundle-${weights}`);
    const r = await cli('convert', ckpt, out);
    expect(r.code, r.stderr).toBe(0);

    const ref = await openSafetensorsFile(join(golden, 'golden.safetensors'));
    const chelsea = await openSafetensorsFile(join(shared, 'golden/processor/chelsea.safetensors'));
    const example = await openSafetensorsFile(join(shared, 'golden/processor/clipseg_example_image.safetensors'));
    const backend = createNodeBackend();
    const session = (g: string) => backend.createSession(join(out, `${g}.onnx`));
    const [text, vision, projector, decoder] = await Promise.all(['text_encoder', 'vision_encoder', 'image_projector', 'decoder'].map(session));
    try {
      const acts = await vision!.run({ pixel_values: await chelsea.read('pixel_values') });
      // Case a: three text prompts on chelsea, one decoder call.
      const { text_embeds } = await text!.run({ input_ids: await ref.read('inputs.input_ids') });
      const a = await decoder!.run({ ...acts, conditional_embeddings: text_embeds! });
      expect(maxAbsDiff(a.logits!.data as Float32Array, (await ref.read('a.logits')).data as Float32Array)).toBeLessThan(1e-4);
      // Case c: an image prompt (vision_encoder + image_projector).
      const exActs = await vision!.run({ pixel_values: await example.read('pixel_values') });
      const { image_embeds } = await projector!.run({ hidden_state: exActs.activation_2! });
      expect(maxAbsDiff(image_embeds!.data as Float32Array, (await ref.read('c.conditional_embeddings')).data as Float32Array)).toBeLessThan(1e-5);
      const c = await decoder!.run({ ...acts, conditional_embeddings: image_embeds! });
      expect(maxAbsDiff(c.logits!.data as Float32Array, (await ref.read('c.logits')).data as Float32Array)).toBeLessThan(1e-4);
      // Case d: given embeddings, first image.
      const emb = (await ref.read('inputs.conditional_embeddings')) as Tensor<'float32'>;
      const first = { type: 'float32' as const, dims: [1, emb.dims[1]!], data: emb.data.slice(0, emb.dims[1]!) };
      const d = await decoder!.run({ ...acts, conditional_embeddings: first });
      const dRef = (await ref.read('d.logits')).data as Float32Array;
      expect(maxAbsDiff(d.logits!.data as Float32Array, dRef.subarray(0, 352 * 352))).toBeLessThan(1e-4);
    } finally {
      await Promise.all([text, vision, projector, decoder].map((s) => s!.dispose()));
      await Promise.all([ref.close(), chelsea.close(), example.close()]);
    }
  });
});

describe('clipseg convert --optional-graphs', () => {
  it('writes format 2 optional graphs on request and refuses unknown names', async () => {
    expect((await cli('init-random', '--preset', 'tiny', '--seed', '9', 'ckpt-opt')).code).toBe(0);
    const r = await cli('convert', 'ckpt-opt', 'bundle-opt', '--optional-graphs', 'all');
    expect(r.code, r.stderr).toBe(0);
    const manifest = parseBundleManifest(readFileSync(join(work, 'bundle-opt/manifest.json'), 'utf8'));
    expect(Object.keys(manifest.graphs).sort()).toEqual(['decoder', 'decoder_hidden_states', 'image_projector', 'text_encoder', 'text_model', 'vision_encoder', 'vision_model']);
    expect((await cli('convert', 'ckpt-opt', 'bundle-opt2', '--optional-graphs', 'text_model,attention')).stderr).toMatch(/--optional-graphs takes/);
    expect((await cli('convert', 'ckpt-opt', 'bundle-opt3', '--optional-graphs', 'text_model', '--layout', 'single')).code).toBe(2);
  });
});

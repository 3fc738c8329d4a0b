import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytesSource, openSafetensors, PIPELINE_LIMITS, writeSafetensors, type Tensor } from '@clipseg/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithShared, sharedDir } from '@clipseg/core/testing';
import { copyBundle, goldenBundle, maxAbsDiff } from '../../../runtime-node/test/golden-bundle.js';
import { exampleScene } from '@clipseg/processor';
import { encodePng, openSafetensorsFile } from '@clipseg/runtime-node';
import { runCli } from '../run-cli.js';
import { commands } from './index.js';

const shared = sharedDir();
const work = mkdtempSync(join(tmpdir(), 'clipseg-segment-cli-'));
const cache = join(work, 'cache');
afterAll(() => rmSync(work, { recursive: true, force: true }));
const HW = 352 * 352;

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, commands, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: work, env: { CLIPSEG_CACHE: cache } });
  return { code, stdout, stderr };
}

const readTensor = async (file: string, name: string) => (await openSafetensors(bytesSource(new Uint8Array(readFileSync(file))))).read(name);
const outFiles = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []);

describe('clipseg segment with the built-in default model', () => {
  it('builds the default bundle offline, says its masks are meaningless, and writes every format', async () => {
    const r = await cli('segment', '--example', '--prompt', 'a red ball', '--prompt', 'the house', '--negative', 'the sky', '--format', 'png,overlay,heatmap,json', '--out', 'ex', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/RANDOM weights.*meaningless/);
    expect(existsSync(join(cache, 'bundles/default-tiny-random-v1/manifest.json'))).toBe(true);
    expect(outFiles(join(work, 'ex')).sort()).toEqual(
      [
        'example.0-a-red-ball.heatmap.png', 'example.0-a-red-ball.mask.png', 'example.0-a-red-ball.overlay.png',
        'example.1-the-house.heatmap.png', 'example.1-the-house.mask.png', 'example.1-the-house.overlay.png', 'example.json',
      ].sort(),
    );
    const report = JSON.parse(r.stdout) as { images: { width: number; prompts: { text: string; coverage: number }[] }[] };
    expect(report.images[0]!.width).toBe(480);
    expect(report.images[0]!.prompts.map((p) => p.text)).toEqual(['a red ball', 'the house']);
    const json = JSON.parse(readFileSync(join(work, 'ex/example.json'), 'utf8')) as { prompts: { rle: { size: number[] } }[] };
    expect(json.prompts[0]!.rle.size).toEqual([320, 480]);
  });
});

describe('clipseg segment / embed / preprocess errors leave no files behind', () => {
  beforeAll(async () => {
    writeFileSync(join(work, 'scene.png'), await encodePng(exampleScene()));
    writeFileSync(join(work, 'not-an-image.jpg'), 'hello');
    writeFileSync(join(work, 'empty.png'), '');
    writeFileSync(join(work, 'a-file'), 'x');
    mkdirSync(join(work, 'empty-dir'));
    execFileSync('mkfifo', [join(work, 'emb.fifo')]);
    symlinkSync('/dev/zero', join(work, 'zero.safetensors'));
    // Bundles whose manifest.json is not a regular file, beside a config.json that must not make them checkpoints.
    for (const [name, make] of [['fifo-bundle', (p: string) => execFileSync('mkfifo', [p])], ['dir-bundle', (p: string) => mkdirSync(p)]] as const) {
      mkdirSync(join(work, name));
      writeFileSync(join(work, name, 'config.json'), '{}');
      make(join(work, name, 'manifest.json'));
    }
  });

  it.each([
    ['an unreadable image', ['not-an-image.jpg', '--prompt', 'x'], 'IMAGE_UNREADABLE'],
    ['a missing image', ['nope.png', '--prompt', 'x'], 'IMAGE_NOT_FOUND'],
    ['a zero-byte image', ['empty.png', '--prompt', 'x'], 'IMAGE_EMPTY'],
    ['an image over the pixel limit', ['scene.png', '--prompt', 'x', '--max-pixels', '1000'], 'IMAGE_TOO_LARGE'],
    ['a missing model folder', ['--example', '--prompt', 'x', '--model', 'no-bundle'], 'CLI_INPUT_NOT_FOUND'],
    ['a folder that is not a bundle', ['--example', '--prompt', 'x', '--model', 'empty-dir'], 'BUNDLE_NOT_FOUND'],
    ['an empty prompt', ['--example', '--prompt', '   '], 'PIPELINE_EMPTY_PROMPT'],
    ['an unwritable output directory', ['--example', '--prompt', 'x', '--out', 'a-file'], 'CLI_OUTPUT_UNWRITABLE'],
    ['a mask without its image prompt', ['--example', '--prompt-mask', 'empty.png'], 'CLI_USAGE'],
    ['no prompt', ['--example'], 'CLI_USAGE'],
    ['an empty threshold', ['--example', '--prompt', 'x', '--threshold', ''], 'CLI_USAGE'],
    ['a blank threshold', ['--example', '--prompt', 'x', '--threshold', ' '], 'CLI_USAGE'],
    ['a hexadecimal threshold', ['--example', '--prompt', 'x', '--threshold', '0x0'], 'CLI_USAGE'],
    ['a billion threads', ['--example', '--prompt', 'x', '--threads', '1e9'], 'CLI_USAGE'],
    ['fractional threads', ['--example', '--prompt', 'x', '--threads', '1.5'], 'CLI_USAGE'],
    ['an unknown --verify', ['--example', '--prompt', 'x', '--verify', 'md5'], 'CLI_USAGE'],
    ['a box with empty numbers', ['--example', '--prompt-image', 'scene.png', '--prompt-box', ',,5,5'], 'CLI_USAGE'],
    ['an embedding file that is a FIFO', ['--example', '--prompt-embedding', 'emb.fifo'], 'IO_NOT_A_FILE'],
    ['an embedding file linked to /dev/zero', ['--example', '--prompt-embedding', 'zero.safetensors'], 'IO_NOT_A_FILE'],
    ['a bundle whose manifest.json is a FIFO', ['--example', '--prompt', 'x', '--model', 'fifo-bundle'], 'BUNDLE_MANIFEST_INVALID'],
    ['a bundle whose manifest.json is a folder', ['--example', '--prompt', 'x', '--model', 'dir-bundle'], 'BUNDLE_MANIFEST_INVALID'],
  ])('%s', async (_what, args, code) => {
    const out = `out-${code}`;
    const r = await cli('segment', ...args, ...(args.includes('--out') ? [] : ['--out', out]));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(new RegExp(`error\\[${code}\\]`));
    expect(outFiles(join(work, out))).toEqual([]);
  });

  it('takes a value that looks like an option as the value: --prompt --help segments, it prints no help', async () => {
    const r = await cli('segment', '--example', '--prompt', '--help', '--out', 'help-prompt', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/Usage:/);
    expect((JSON.parse(r.stdout) as { images: { prompts: { text: string }[] }[] }).images[0]!.prompts[0]!.text).toBe('--help');
    expect((await cli('segment', '--example', '--help')).stdout).toMatch(/^Usage: clipseg segment/);
  });

  it('converts a checkpoint given as --model even with a dangling link in it (no Node error code leaks)', async () => {
    expect((await cli('init-random', '--preset', 'tiny', 'ckpt-link')).code).toBe(0);
    symlinkSync(join(work, 'nowhere'), join(work, 'ckpt-link/dangling'));
    const r = await cli('segment', '--example', '--prompt', 'x', '--model', 'ckpt-link', '--out', 'ckpt-link-out');
    expect(r.stderr).not.toMatch(/error\[E/);
    expect(r.code, r.stderr).toBe(0);
  });

  it('preprocess refuses a preprocessor_config.json that is a FIFO instead of waiting on it', async () => {
    mkdirSync(join(work, 'pre-bundle'));
    writeFileSync(join(work, 'pre-bundle/manifest.json'), '{}');
    execFileSync('mkfifo', [join(work, 'pre-bundle/preprocessor_config.json')]);
    const r = await cli('preprocess', 'scene.png', '--model', 'pre-bundle', '--out', 'pre.safetensors');
    expect(r.stderr).toMatch(/^error\[IO_NOT_A_FILE\]/);
    expect(existsSync(join(work, 'pre.safetensors'))).toBe(false);
  }, 10_000);

  it('refuses more prompts than one run takes, in CLI terms, before loading the model', async () => {
    const many = Array.from({ length: PIPELINE_LIMITS.maxSegmentPrompts }, (_, i) => ['--prompt', `p${i}`]).flat();
    const result = await cli('segment', 'scene.png', ...many, '--negative', 'one more', '--out', 'too-many');
    expect(result.stderr).toMatch(/error\[CLI_USAGE\]: 257 prompts .* split them over several runs/);
    expect(existsSync(join(work, 'too-many'))).toBe(false);
  });

  it('warns and truncates a prompt longer than the context', async () => {
    const r = await cli('segment', '--example', '--prompt', Array(100).fill('cat').join(' '), '--out', 'long');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: .*truncat/i);
  });

  it('embed and preprocess refuse missing inputs and outputs', async () => {
    expect((await cli('embed', '--text', 'a')).stderr).toMatch(/--out/);
    expect((await cli('embed', '--out', 'e.safetensors')).stderr).toMatch(/at least one --text or --image/);
    expect((await cli('preprocess', 'nope.png', '--out', 'p.safetensors')).stderr).toMatch(/error\[IMAGE_NOT_FOUND\]/);
    expect(existsSync(join(work, 'p.safetensors'))).toBe(false);
  });
});

describeWithShared('clipseg segment against the HF goldens', () => {
  let bundle: string;
  let ref: Awaited<ReturnType<typeof openSafetensorsFile>>;
  const img = (name: string) => join(shared, 'images', name);
  beforeAll(async () => {
    bundle = await goldenBundle(shared);
    ref = await openSafetensorsFile(join(shared, 'golden/clipseg-tiny-refined/golden.safetensors'));
  });
  afterAll(() => ref?.close());
  const golden = async (name: string) => (await ref.read(name)).data as Float32Array;

  it('case a: three text prompts, --logits [3, 352, 352]', async () => {
    const r = await cli('segment', img('chelsea.png'), '--model', bundle, '--prompt', 'a cat', '--prompt', 'something to fill', '--prompt', 'a glass of water on a wooden table', '--out', 'a', '--logits', 'a.safetensors');
    expect(r.code, r.stderr).toBe(0);
    const logits = await readTensor(join(work, 'a.safetensors'), 'logits');
    expect(logits.dims).toEqual([3, 352, 352]);
    expect(maxAbsDiff(logits.data as Float32Array, await golden('a.logits'))).toBeLessThan(1e-4);
    expect(outFiles(join(work, 'a'))).toHaveLength(3);
  });

  it('case c: an image prompt with mode none', async () => {
    const r = await cli('segment', img('chelsea.png'), '--model', bundle, '--prompt-image', img('clipseg_example_image.jpg'), '--out', 'c', '--logits', 'c.safetensors');
    expect(r.code, r.stderr).toBe(0);
    expect(maxAbsDiff((await readTensor(join(work, 'c.safetensors'), 'logits')).data as Float32Array, await golden('c.logits'))).toBeLessThan(1e-4);
  });

  it('case d: --prompt-embedding on two images gives [images, prompts, H, W]', async () => {
    const emb = (await ref.read('inputs.conditional_embeddings')) as Tensor<'float32'>;
    writeFileSync(join(work, 'd-emb.safetensors'), writeSafetensors({ embeddings: emb }));
    const r = await cli('segment', img('chelsea.png'), img('clipseg_example_image.jpg'), '--model', bundle, '--prompt-embedding', 'd-emb.safetensors', '--out', 'd', '--logits', 'd.safetensors');
    expect(r.code, r.stderr).toBe(0);
    const logits = await readTensor(join(work, 'd.safetensors'), 'logits');
    expect(logits.dims).toEqual([2, 2, 352, 352]);
    const d = await golden('d.logits');
    const data = logits.data as Float32Array;
    expect(maxAbsDiff(data.subarray(0, HW), d.subarray(0, HW))).toBeLessThan(1e-4); // image 0 × embedding 0
    expect(maxAbsDiff(data.subarray(3 * HW, 4 * HW), d.subarray(HW, 2 * HW))).toBeLessThan(1e-4); // image 1 × embedding 1
  });

  it('case e: the synthetic PNG with "a cat"; masks come out at the image size', async () => {
    const r = await cli('segment', img('synthetic_random_500x333.png'), '--model', bundle, '--prompt', 'a cat', '--out', 'e', '--logits', 'e.safetensors', '--format', 'png,json');
    expect(r.code, r.stderr).toBe(0);
    expect(maxAbsDiff((await readTensor(join(work, 'e.safetensors'), 'logits')).data as Float32Array, await golden('e.logits'))).toBeLessThan(1e-4);
    const json = JSON.parse(readFileSync(join(work, 'e/synthetic-random-500x333.json'), 'utf8')) as { image: unknown; prompts: { rle: { size: number[] } }[] };
    expect(json.image).toEqual({ width: 500, height: 333 });
    expect(json.prompts[0]!.rle.size).toEqual([333, 500]);
  });

  it('embed → --prompt-embedding gives the same logits as --prompt', async () => {
    expect((await cli('embed', '--model', bundle, '--text', 'a cat', '--image', img('clipseg_example_image.jpg'), '--out', 'emb.safetensors')).code).toBe(0);
    const emb = await readTensor(join(work, 'emb.safetensors'), 'embeddings');
    expect(emb.dims).toEqual([2, 24]);
    expect(maxAbsDiff((emb.data as Float32Array).subarray(0, 24), (await golden('a.text_embeds')).subarray(0, 24))).toBeLessThan(1e-5);
    expect(maxAbsDiff((emb.data as Float32Array).subarray(24), await golden('c.conditional_embeddings'))).toBeLessThan(1e-5);
  });

  it('preprocess writes exactly the golden pixel_values', async () => {
    expect((await cli('preprocess', img('chelsea.png'), '--model', bundle, '--out', 'pv.safetensors')).code).toBe(0);
    const pv = await readTensor(join(work, 'pv.safetensors'), 'pixel_values');
    const reference = await openSafetensorsFile(join(shared, 'golden/processor/chelsea.safetensors'));
    expect(pv.dims).toEqual([1, 3, 352, 352]);
    expect(maxAbsDiff(pv.data as Float32Array, (await reference.read('pixel_values')).data as Float32Array)).toBe(0);
    await reference.close();
  });

  it('refuses a corrupt bundle and a bundle from a newer format version', async () => {
    const corrupt = copyBundle(bundle);
    writeFileSync(join(corrupt, 'decoder.onnx'), readFileSync(join(corrupt, 'decoder.onnx')).subarray(0, 1000));
    const r1 = await cli('segment', img('chelsea.png'), '--model', corrupt, '--prompt', 'a cat', '--out', 'corrupt');
    expect(r1.stderr).toMatch(/error\[BUNDLE_INTEGRITY\]/);
    const newer = copyBundle(bundle);
    const manifest = JSON.parse(readFileSync(join(newer, 'manifest.json'), 'utf8')) as { formatVersion: number };
    writeFileSync(join(newer, 'manifest.json'), JSON.stringify({ ...manifest, formatVersion: manifest.formatVersion + 1 }));
    const r2 = await cli('segment', img('chelsea.png'), '--model', newer, '--prompt', 'a cat', '--out', 'newer');
    expect(r2.stderr).toMatch(/error\[BUNDLE_VERSION_UNSUPPORTED\]/);
    expect([...outFiles(join(work, 'corrupt')), ...outFiles(join(work, 'newer'))]).toEqual([]);
  });
});

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { Tensor } from '@clipseg/core';
import { describeWithShared } from '@clipseg/core/testing';
import { decodeImage, encodePng, openSafetensorsFile } from '@clipseg/runtime-node';
import { runCli } from '../run-cli.js';
import { commands } from './index.js';

const repoRoot = inject('repoRoot');
const work = mkdtempSync(join(tmpdir(), 'clipseg-grad-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, commands, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: repoRoot, env: {} });
  return { code, stdout, stderr };
}

describe('clipseg grad: usage errors', () => {
  it('needs one prompt and one target per image', async () => {
    const r = await cli('grad', '--model', 'm', '--image', 'a.png', '--image', 'b.png', '--prompt', 'x', '--prompt', 'y', '--target', 't.png', '--out', join(work, 'g.safetensors'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error\[CLI_USAGE\]: Give one prompt .* per --image: got 2 images, 2 prompts and 1 targets/);
    const prompts = await cli('grad', '--model', 'm', '--image', 'a.png', '--prompt', 'x', '--prompt-image', 'p.png', '--target', 't.png', '--out', join(work, 'g.safetensors'));
    expect(prompts.stderr).toMatch(/got 1 images, 2 prompts and 1 targets/);
  });
  it('needs a target, --model and --out', async () => {
    expect((await cli('grad', '--model', 'm', '--image', 'a.png', '--prompt', 'x', '--out', 'g.safetensors')).stderr).toMatch(/error\[CLI_USAGE\].*0 targets/);
    expect((await cli('grad', '--image', 'a.png', '--prompt', 'x', '--target', 't.png', '--out', 'g.safetensors')).stderr).toMatch(/Give --model CHECKPOINT/);
    expect((await cli('grad', '--model', 'm', '--image', 'a.png', '--prompt', 'x', '--target', 't.png')).stderr).toMatch(/Give --out/);
  });
  it('refuses unknown --trainable values', async () => {
    expect((await cli('grad', '--model', 'm', '--image', 'a.png', '--prompt', 'x', '--target', 't.png', '--trainable', 'vision', '--out', 'g.safetensors')).stderr).toMatch(/--trainable must be 'decoder' or 'all'/);
  });
  it('reports a missing target file with a typed code', async () => {
    const r = await cli('grad', '--model', 'm', '--image', 'packages/processor/test/fixtures/pillow/icc-adobe.png', '--prompt', 'x', '--target', join(work, 'missing.png'), '--out', join(work, 'g.safetensors'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error\[IMAGE_NOT_FOUND\]: .*missing\.png does not exist/);
  });
});

interface GoldenCase {
  readonly loss_fp64: number;
  readonly grad_names: string[];
  readonly grad_max_abs: Record<string, number>;
}

async function expectGolden(shared: string, prefix: 'decoder' | 'visual' | 'full', out: string, r: { code: number; stderr: string }): Promise<void> {
  expect(r.stderr).toMatch(prefix === 'full' ? /wrote 170 gradients/ : /wrote 64 gradients/);
  expect(r.code).toBe(0);
  const c = (JSON.parse(readFileSync(join(shared, 'golden/training/clipseg-tiny-refined.json'), 'utf8')) as { cases: Record<string, GoldenCase> }).cases[prefix]!;
  const ours = await openSafetensorsFile(out);
  const golden = await openSafetensorsFile(join(shared, 'golden/training/clipseg-tiny-refined.safetensors'));
  try {
    const loss = (await ours.read('loss')) as Tensor<'float32'>;
    expect(loss.dims).toEqual([1]);
    const lossDiff = Math.abs(loss.data[0]! - c.loss_fp64);
    expect(lossDiff).toBeLessThan(1e-6);
    const names = ours.names.filter((n) => n.startsWith('grad.')).map((n) => n.slice('grad.'.length));
    expect(names.sort()).toEqual([...c.grad_names].sort());
    let worst = 0;
    for (const name of c.grad_names) {
      const got = await ours.readFloat32(`grad.${name}`);
      const want = await golden.readFloat32(`${prefix}.grad.${name}`);
      expect(ours.info(`grad.${name}`).shape, name).toEqual(golden.info(`${prefix}.grad.${name}`).shape);
      let diff = 0;
      want.forEach((w, k) => (diff = Math.max(diff, Math.abs(got[k]! - w))));
      const tolerance = Math.max(1e-4 * c.grad_max_abs[name]!, 1e-6);
      expect(diff, name).toBeLessThanOrEqual(tolerance);
      worst = Math.max(worst, diff / tolerance);
    }
    console.info(`clipseg grad (${prefix}.): |loss − golden| ${lossDiff.toExponential(2)}, worst gradient error ${(worst * 100).toFixed(1)} % of its tolerance`);
  } finally {
    await ours.close();
    await golden.close();
  }
}

describeWithShared('clipseg grad against the PyTorch training goldens', (shared) => {
  const model = () => join(shared, 'golden/clipseg-tiny-refined');
  const file = (path: string) => join(shared, path);

  it('decoder.: two text-prompted examples give the loss within 1e-6 and every decoder gradient within max(1e-4 × grad_max_abs, 1e-6)', async () => {
    const out = join(work, 'grads.safetensors');
    const r = await cli(
      'grad',
      '--model', model(),
      '--image', file('images/chelsea.png'),
      '--prompt', 'a cat',
      '--target', file('golden/training/target-disk.png'),
      '--image', file('images/clipseg_example_image.jpg'),
      '--prompt', 'something to fill',
      '--target', file('golden/training/target-box.png'),
      '--out', out,
    );
    await expectGolden(shared, 'decoder', out, r);
  }, 300_000);

  it('a target of another size is resized by nearest neighbour on pixel centres: the disk at 704 × 704 gives the golden', async () => {
    // 352 → 704 doubles every pixel; 704 → 352 by pixel centres picks source row/column 2k + 1, the original pixel.
    const disk = await decodeImage(file('golden/training/target-disk.png'));
    const gray = new Uint8Array(704 * 704);
    for (let y = 0; y < 704; y++) for (let x = 0; x < 704; x++) gray[y * 704 + x] = disk.data[((y >> 1) * 352 + (x >> 1)) * disk.channels]!;
    const big = join(work, 'target-disk-704.png');
    writeFileSync(big, await encodePng({ width: 704, height: 704, channels: 1, data: gray }));
    const out = join(work, 'grads-resized.safetensors');
    const r = await cli(
      'grad',
      '--model', model(),
      '--image', file('images/chelsea.png'),
      '--prompt', 'a cat',
      '--target', big,
      '--image', file('images/clipseg_example_image.jpg'),
      '--prompt', 'something to fill',
      '--target', file('golden/training/target-box.png'),
      '--out', out,
    );
    await expectGolden(shared, 'decoder', out, r);
  }, 300_000);

  it('visual.: an image prompt (--prompt-image) gives the loss and gradients of the golden', async () => {
    const out = join(work, 'grads-visual.safetensors');
    const r = await cli(
      'grad',
      '--model', model(),
      '--image', file('images/chelsea.png'),
      '--prompt-image', file('images/clipseg_example_image.jpg'),
      '--target', file('golden/training/target-disk.png'),
      '--out', out,
    );
    await expectGolden(shared, 'visual', out, r);
  }, 300_000);

  it('full.: --trainable all gives the loss within 1e-6 and all 170 reached gradients within max(1e-4 × grad_max_abs, 1e-6), none for unreached parameters', async () => {
    const out = join(work, 'grads-full.safetensors');
    const r = await cli(
      'grad',
      '--model', model(),
      '--trainable', 'all',
      '--image', file('images/chelsea.png'),
      '--prompt', 'a cat',
      '--target', file('golden/training/target-disk.png'),
      '--image', file('images/clipseg_example_image.jpg'),
      '--prompt', 'something to fill',
      '--target', file('golden/training/target-box.png'),
      '--out', out,
    );
    expect(r.stderr).toMatch(/not reached by the loss \(no gradient\): .*clip\.visual_projection\.weight/);
    expect(r.stderr).toMatch(/clip\.logit_scale/);
    await expectGolden(shared, 'full', out, r);
  }, 300_000);

  it('--trainable all with --prompt-image: the visual. loss and decoder gradients, and gradients for the image-prompt path', async () => {
    const out = join(work, 'grads-full-visual.safetensors');
    const r = await cli(
      'grad',
      '--model', model(),
      '--trainable', 'all',
      '--image', file('images/chelsea.png'),
      '--prompt-image', file('images/clipseg_example_image.jpg'),
      '--target', file('golden/training/target-disk.png'),
      '--out', out,
    );
    expect(r.code).toBe(0);
    const c = (JSON.parse(readFileSync(join(shared, 'golden/training/clipseg-tiny-refined.json'), 'utf8')) as { cases: Record<string, GoldenCase> }).cases['visual']!;
    const ours = await openSafetensorsFile(out);
    const golden = await openSafetensorsFile(join(shared, 'golden/training/clipseg-tiny-refined.safetensors'));
    try {
      expect(Math.abs((await ours.readFloat32('loss'))[0]! - c.loss_fp64)).toBeLessThan(1e-6);
      for (const name of c.grad_names) {
        const got = await ours.readFloat32(`grad.${name}`);
        const want = await golden.readFloat32(`visual.grad.${name}`);
        let diff = 0;
        want.forEach((w, k) => (diff = Math.max(diff, Math.abs(got[k]! - w))));
        expect(diff, name).toBeLessThanOrEqual(Math.max(1e-4 * c.grad_max_abs[name]!, 1e-6));
      }
      expect(ours.names).toContain('grad.clip.visual_projection.weight');
      expect(ours.names).toContain('grad.clip.vision_model.embeddings.patch_embedding.weight');
      expect(ours.names.some((n) => n.startsWith('grad.clip.text_model.'))).toBe(false);
    } finally {
      await ours.close();
      await golden.close();
    }
  }, 300_000);
});

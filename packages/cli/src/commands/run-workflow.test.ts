import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleScene } from '@clipseg/processor';
import { decodeImage, encodePng } from '@clipseg/runtime-node';
import { serializeWorkflow } from '@clipseg/node-editor/engine';
// The playground's own example workflow (what it opens with and what "Save workflow" writes): run here unmodified.
import { exampleWorkflow } from '../../../../apps/playground/src/web/workflow/example-workflow.js';
import { runCli } from '../run-cli.js';
import { commands } from './index.js';

const work = mkdtempSync(join(tmpdir(), 'clipseg-run-cli-'));
const cache = join(work, 'cache');
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, commands, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: work, env: { CLIPSEG_CACHE: cache } });
  return { code, stdout, stderr };
}

const outFiles = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : []);
const link = (source: string, sourceOutput: string, target: string, targetInput: string) => ({ source, sourceOutput, target, targetInput });

function workflow(imageSource = '', extra: { nodes?: object[]; connections?: object[] } = {}) {
  return {
    format: 'clipseg-workflow',
    version: 1,
    nodes: [
      { id: 'img', type: 'image', controls: { source: imageSource } },
      { id: 'ball', type: 'text-prompt', controls: { text: 'a red ball' } },
      { id: 'house', type: 'text-prompt', controls: { text: 'the house' } },
      { id: 'sky', type: 'negative-prompt', controls: { text: 'the sky' } },
      { id: 's1', type: 'clipseg' },
      { id: 's2', type: 'clipseg' },
      { id: 'th', type: 'threshold', controls: { threshold: 0.5 } },
      { id: 'prev', type: 'mask-preview' },
      { id: 'heat', type: 'heatmap-preview', controls: { mode: 'overlay' } },
      { id: 'out', type: 'export', controls: { name: 'ball', format: 'png+json' } },
      ...(extra.nodes ?? []),
    ],
    connections: [
      link('img', 'image', 's1', 'image'), link('img', 'image', 's2', 'image'), link('ball', 'text', 's1', 'prompt'), link('house', 'text', 's2', 'prompt'),
      link('sky', 'negative', 's1', 'negative'), link('s1', 'mask', 'th', 'mask'), link('th', 'mask', 'prev', 'mask'), link('th', 'mask', 'out', 'mask'),
      link('s2', 'mask', 'heat', 'mask'), link('img', 'image', 'heat', 'image'),
      ...(extra.connections ?? []),
    ],
  };
}

const save = (name: string, value: unknown) => writeFileSync(join(work, name), typeof value === 'string' ? value : JSON.stringify(value));

beforeAll(async () => {
  writeFileSync(join(work, 'scene.png'), await encodePng(exampleScene()));
  mkdirSync(join(work, 'flows'));
  writeFileSync(join(work, 'flows/small.png'), await encodePng({ width: 40, height: 30, channels: 3, data: new Uint8Array(40 * 30 * 3).fill(128) }));
});

describe('clipseg run', () => {
  it('runs a workflow headless with --input and writes the exports and previews', async () => {
    save('flow.json', workflow());
    const r = await cli('run', 'flow.json', '--input', 'scene.png', '--out', 'out', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/RANDOM weights/);
    expect(outFiles(join(work, 'out'))).toEqual(['ball.json', 'ball.png', 'heat.preview.png', 'prev.preview.png']);
    const mask = await decodeImage(join(work, 'out/ball.png'));
    expect([mask.width, mask.height]).toEqual([480, 320]);
    const json = JSON.parse(readFileSync(join(work, 'out/ball.json'), 'utf8')) as { width: number; rle: { size: number[] } };
    expect(json.rle.size).toEqual([320, 480]);
    const report = JSON.parse(r.stdout) as { nodes: { id: string; state: string; files: string[] }[] };
    expect(report.nodes.every((n) => n.state === 'done')).toBe(true);
    expect(report.nodes.find((n) => n.id === 'out')!.files).toEqual(['ball.png', 'ball.json']);
  });

  it('reads an Image node source relative to the workflow file, and binds NODE_ID=IMAGE', async () => {
    save('flows/rel.json', workflow('small.png'));
    let r = await cli('run', 'flows/rel.json', '--out', 'rel', '--no-previews');
    expect(r.code, r.stderr).toBe(0);
    expect(outFiles(join(work, 'rel'))).toEqual(['ball.json', 'ball.png']);
    expect((await decodeImage(join(work, 'rel/ball.png'))).width).toBe(40);
    r = await cli('run', 'flows/rel.json', '--input', 'img=scene.png', '--out', 'bound', '--no-previews');
    expect(r.code, r.stderr).toBe(0);
    expect((await decodeImage(join(work, 'bound/ball.png'))).width).toBe(480);
    expect(r.stdout).toMatch(/^out \(export\) → bound\/ball.png, bound\/ball.json$/m);
  });

  it('reports every problem of an invalid workflow before loading a model', async () => {
    save('bad.json', { format: 'clipseg-workflow', version: 9, nodes: [], connections: [] });
    let r = await cli('run', 'bad.json', '--out', 'bad');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error\[WORKFLOW_INVALID\]: The workflow has 1 problem:\n {2}\$\.version: .*newer.*\[WORKFLOW_VERSION_NEWER\]/);
    const broken = workflow('', { nodes: [{ id: 'x', type: 'sharpen' }], connections: [link('img', 'image', 'th', 'mask')] });
    save('broken.json', broken);
    r = await cli('run', 'broken.json', '--input', 'scene.png', '--out', 'bad');
    expect(r.stderr).toMatch(/The workflow has 2 problems:[\s\S]*WORKFLOW_NODE_UNKNOWN_TYPE[\s\S]*WORKFLOW_CONNECTION_INCOMPATIBLE/);
    expect(r.stderr).not.toMatch(/RANDOM/);
    expect(outFiles(join(work, 'bad'))).toEqual([]);
  });

  it.each([
    ['no workflow', [], 'CLI_USAGE', 2],
    ['a missing workflow file', ['nope.json'], 'CLI_INPUT_NOT_FOUND', 1],
    ['more inputs than Image nodes', ['flow.json', '--input', 'scene.png', '--input', 'scene.png'], 'CLI_USAGE', 2],
    ['a missing input image', ['flow.json', '--input', 'nope.png'], 'IMAGE_NOT_FOUND', 1],
    ['an Image node without an image', ['flow.json'], 'WORKFLOW_NODE_FAILED', 1],
  ])('fails on %s and writes nothing', async (_what, args, code, exit) => {
    save('flow.json', workflow());
    const r = await cli('run', ...args, '--out', `fail-${code}`);
    expect(r.code).toBe(exit);
    expect(r.stderr).toMatch(new RegExp(`error\\[${code}\\]`));
    expect(outFiles(join(work, `fail-${code}`))).toEqual([]);
  });

  it('refuses a preview node whose id would write outside --out, before loading a model', async () => {
    const flow = workflow('', { nodes: [{ id: '../../x', type: 'mask-preview' }], connections: [link('th', 'mask', '../../x', 'mask')] });
    save('escape.json', flow);
    const r = await cli('run', 'escape.json', '--input', 'scene.png', '--out', 'deep/er/escape');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error\[IO_UNSAFE_PATH\]: the preview file name of node "\.\.\/\.\.\/x"/);
    expect(r.stderr).not.toMatch(/RANDOM/);
    expect(existsSync(join(work, 'deep/x.preview.png')) || existsSync(join(work, 'x.preview.png'))).toBe(false);
    expect(outFiles(join(work, 'deep/er/escape'))).toEqual([]);
    // Without previews the node writes nothing, so the workflow runs.
    expect((await cli('run', 'escape.json', '--input', 'scene.png', '--out', 'deep/er/escape', '--no-previews')).code).toBe(0);
    expect(outFiles(join(work, 'deep/er/escape'))).toEqual(['ball.json', 'ball.png']);
  });

  it('refuses a workflow file that is a FIFO instead of waiting on it, and threads out of range', async () => {
    execFileSync('mkfifo', [join(work, 'flow.fifo')]);
    expect((await cli('run', 'flow.fifo', '--out', 'fifo')).stderr).toMatch(/^error\[IO_NOT_A_FILE\]/);
    save('flow.json', workflow());
    for (const threads of ['1e9', '0', '', '257']) {
      const r = await cli('run', 'flow.json', '--input', 'scene.png', '--threads', threads, '--out', 'threads');
      expect(r.stderr, threads).toMatch(/^error\[CLI_USAGE\]: --threads must be an integer from 1 to 256/);
    }
    expect(outFiles(join(work, 'threads'))).toEqual([]);
  }, 10_000);

  it('refuses an --out that is a file and a --verify it does not know, as segment does, before loading a model', async () => {
    save('flow.json', workflow());
    save('out-file', 'x');
    let r = await cli('run', 'flow.json', '--input', 'scene.png', '--out', 'out-file');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error\[CLI_OUTPUT_UNWRITABLE\]: Cannot write to the output directory .*out-file \(it is a file\); choose another --out\./);
    expect(r.stderr).not.toMatch(/RANDOM/);
    r = await cli('run', 'flow.json', '--input', 'scene.png', '--verify', 'md5', '--out', 'verify');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error\[CLI_USAGE\]: --verify must be size, sha256 or none, got 'md5'\./);
    expect(outFiles(join(work, 'verify'))).toEqual([]);
  });

  it('fails the CLIPSeg node of a mix whose weight would overflow, instead of writing an empty mask', async () => {
    save('mix.json', workflow('', {
      nodes: [{ id: 'ep', type: 'embedding-prompt' }, { id: 'mix', type: 'mix-embeddings', controls: { 'weight-a': 1e308, normalize: false } }, { id: 's3', type: 'clipseg' }, { id: 'mixout', type: 'export', controls: { name: 'mixed', format: 'png' } }],
      connections: [link('ball', 'text', 'ep', 'source'), link('ep', 'embedding', 'mix', 'a'), link('img', 'image', 's3', 'image'), link('mix', 'embedding', 's3', 'prompt'), link('s3', 'mask', 'mixout', 'mask')],
    }));
    const r = await cli('run', 'mix.json', '--input', 'scene.png', '--out', 'mix');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/s3 \(clipseg\): error\[PIPELINE_PROMPT_INVALID\].*weight.*must be between/);
    expect(outFiles(join(work, 'mix'))).toEqual([]);
  });

  it('names the failing node and writes nothing when a node fails', async () => {
    save('sizes.json', workflow('small.png', {
      nodes: [{ id: 'other', type: 'image', controls: { source: 'scene.png' } }, { id: 's3', type: 'clipseg' }, { id: 'both', type: 'combine' }],
      connections: [link('other', 'image', 's3', 'image'), link('ball', 'text', 's3', 'prompt'), link('s1', 'mask', 'both', 'a'), link('s3', 'mask', 'both', 'b')],
    }));
    const r = await cli('run', 'sizes.json', '--input', 'flows/small.png', '--input', 'scene.png', '--out', 'sizes');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error\[WORKFLOW_NODE_FAILED\]: 1 node\(s\) did not finish[\s\S]*both \(combine\): error\[WORKFLOW_NODE_FAILED\] Combine: sizes differ/);
    expect(outFiles(join(work, 'sizes'))).toEqual([]);
  });

  it("reads the playground's example:scene source: the example scene's pixels", async () => {
    save('scene-flow.json', workflow('example:scene'));
    const r = await cli('run', 'scene-flow.json', '--out', 'scene-out', '--no-previews');
    expect(r.code, r.stderr).toBe(0);
    const fromSource = await decodeImage(join(work, 'scene-out/ball.png'));
    expect(await cli('run', 'scene-flow.json', '--input', 'scene.png', '--out', 'scene-file', '--no-previews')).toMatchObject({ code: 0 });
    const fromFile = await decodeImage(join(work, 'scene-file/ball.png'));
    expect([fromSource.width, fromSource.height]).toEqual([480, 320]);
    expect(Buffer.from(fromSource.data).equals(Buffer.from(fromFile.data))).toBe(true);
  });

  it("runs the playground's saved example workflow unmodified", async () => {
    save('example-a-red-ball-and-the-house.clipseg.json', serializeWorkflow(exampleWorkflow()));
    const r = await cli('run', 'example-a-red-ball-and-the-house.clipseg.json', '--out', 'playground', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(outFiles(join(work, 'playground'))).toEqual(['mask-1.preview.png', 'mask-2.preview.png', 'overlay-1.preview.png', 'overlay-2.preview.png']);
    expect((await decodeImage(join(work, 'playground/overlay-1.preview.png'))).width).toBe(480);
    const report = JSON.parse(r.stdout) as { nodes: { state: string }[] };
    expect(report.nodes.map((n) => n.state)).toEqual(report.nodes.map(() => 'done'));
  });

  it('reports a node connected to nothing and writes the other outputs, unless --strict', async () => {
    save('lonely.json', workflow('', { nodes: [{ id: 'lonely', type: 'export', controls: { name: 'lonely', format: 'png' } }, { id: 'idle', type: 'clipseg' }, { id: 'nothing', type: 'image', controls: { source: 'nope.png' } }] }));
    const r = await cli('run', 'lonely.json', '--input', 'img=scene.png', '--out', 'lonely', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^warning: node lonely \(export\) is connected to nothing and did not run \(blocked: connect Mask\); skipped/m);
    expect(r.stderr).toMatch(/^warning: node idle \(clipseg\) is connected to nothing and did not run \(blocked: connect Image, Prompt\)/m);
    expect(r.stderr).toMatch(/^warning: node nothing \(image\) is connected to nothing and did not run \(error\[IMAGE_NOT_FOUND\]/m);
    expect(outFiles(join(work, 'lonely'))).toEqual(['ball.json', 'ball.png', 'heat.preview.png', 'prev.preview.png']);
    const states = Object.fromEntries((JSON.parse(r.stdout) as { nodes: { id: string; state: string }[] }).nodes.map((n) => [n.id, n.state]));
    expect([states.lonely, states.idle, states.nothing, states.out]).toEqual(['blocked', 'blocked', 'error', 'done']);

    const strict = await cli('run', 'lonely.json', '--input', 'img=scene.png', '--out', 'lonely-strict', '--strict');
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/error\[WORKFLOW_NODE_FAILED\]: 3 node\(s\) did not finish, so nothing was written:\n {2}lonely \(export\): blocked: connect Mask/);
    expect(outFiles(join(work, 'lonely-strict'))).toEqual([]);
  });

  it('still fails when a connected node cannot run, writing nothing', async () => {
    save('half.json', workflow('', { nodes: [{ id: 's3', type: 'clipseg' }, { id: 'out3', type: 'export', controls: { name: 'half', format: 'png' } }], connections: [link('img', 'image', 's3', 'image'), link('s3', 'mask', 'out3', 'mask')] }));
    const r = await cli('run', 'half.json', '--input', 'scene.png', '--out', 'half');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error\[WORKFLOW_NODE_FAILED\]: 2 node\(s\) did not finish[\s\S]*s3 \(clipseg\): blocked: connect Prompt[\s\S]*out3 \(export\): blocked: waiting for s3/);
    expect(outFiles(join(work, 'half'))).toEqual([]);
  });
});

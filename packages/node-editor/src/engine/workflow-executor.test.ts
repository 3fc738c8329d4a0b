import { describe, expect, it } from 'vitest';
import { fakeServices, gradientImage } from '../../test/fake-services.js';
import { createDefaultRegistry, parseWorkflow, WorkflowExecutor, type NodeStatus, type Workflow } from './index.js';

const registry = createDefaultRegistry();

type N = { id: string; type: string; controls?: Record<string, unknown> };
type C = [string, string, string, string];
const workflow = (nodes: N[], connections: C[]): Workflow =>
  parseWorkflow(
    {
      format: 'clipseg-workflow',
      version: 1,
      nodes,
      connections: connections.map(([source, sourceOutput, target, targetInput]) => ({ source, sourceOutput, target, targetInput })),
    },
    { registry },
  );

/** image → 3 CLIPSeg nodes (3 prompts, one negative) → threshold → previews / export. */
function threePrompts(text = 'a cat', threshold = 0.5): Workflow {
  return workflow(
    [
      { id: 'img', type: 'image', controls: { source: 'a.png' } },
      { id: 't1', type: 'text-prompt', controls: { text } },
      { id: 't2', type: 'text-prompt', controls: { text: 'a dog' } },
      { id: 't3', type: 'text-prompt', controls: { text: 'the sky' } },
      { id: 'neg', type: 'negative-prompt', controls: { text: 'grass' } },
      { id: 's1', type: 'clipseg' },
      { id: 's2', type: 'clipseg' },
      { id: 's3', type: 'clipseg' },
      { id: 'th', type: 'threshold', controls: { threshold } },
      { id: 'prev', type: 'mask-preview' },
      { id: 'heat', type: 'heatmap-preview', controls: { mode: 'overlay' } },
      { id: 'out', type: 'export', controls: { name: 'cat', format: 'png+json' } },
    ],
    [
      ['img', 'image', 's1', 'image'], ['img', 'image', 's2', 'image'], ['img', 'image', 's3', 'image'],
      ['t1', 'text', 's1', 'prompt'], ['t2', 'text', 's2', 'prompt'], ['t3', 'text', 's3', 'prompt'], ['neg', 'negative', 's1', 'negative'],
      ['s1', 'mask', 'th', 'mask'], ['th', 'mask', 'prev', 'mask'], ['s2', 'mask', 'heat', 'mask'], ['img', 'image', 'heat', 'image'], ['th', 'mask', 'out', 'mask'],
    ],
  );
}

describe('WorkflowExecutor', () => {
  it('runs a workflow: masks at image resolution, previews, export artifacts, statuses', async () => {
    const { services, seg } = await fakeServices();
    const executor = new WorkflowExecutor({ registry, services });
    const seen: [string, NodeStatus][] = [];
    const result = await executor.run(threePrompts(), { onStatus: (id, s) => seen.push([id, s]) });
    expect(result.errors).toEqual([]);
    expect([...result.statuses.values()].every((s) => s.state === 'done')).toBe(true);
    const mask = result.results.get('s1')!.outputs.mask as { width: number; height: number; data: Float32Array };
    expect([mask.width, mask.height]).toEqual([24, 16]);
    expect(mask.data).toBeInstanceOf(Float32Array);
    const preview = result.results.get('prev')!.preview!;
    expect(preview.kind === 'image' && [preview.image.width, preview.image.height, preview.image.channels]).toEqual([24, 16, 1]);
    const artifacts = result.results.get('out')!.artifacts!;
    expect(artifacts.map((a) => a.fileName)).toEqual(['cat.png', 'cat.json']);
    // the CLIPSeg node's mask equals the pipeline's own answer, negative applied
    const direct = await seg.segmentImage(gradientImage(24, 16), ['a cat', { text: 'grass' }]);
    expect(direct.imageSize).toEqual({ width: 24, height: 16 });
    expect(seen.some(([id, s]) => id === 's1' && s.state === 'running' && s.progress > 0 && s.progress < 1)).toBe(true);
    expect(seen.filter(([id]) => id === 's1').at(-1)![1]).toEqual({ state: 'done', progress: 1 });
  });

  it('forgets its pipelines when the host swaps a model: the next run loads, encodes and segments again', async () => {
    const { services, seg } = await fakeServices();
    let asked = 0;
    const executor = new WorkflowExecutor({ registry, services: { ...services, pipeline: (name) => (asked++, services.pipeline(name)) } });
    await executor.run(threePrompts());
    await executor.run(threePrompts());
    expect([asked, seg.stats.visionRuns, seg.stats.decoderRuns]).toEqual([1, 1, 3]);
    executor.forgetPipelines();
    const again = await executor.run(threePrompts());
    expect(again.errors).toEqual([]);
    expect([asked, seg.stats.visionRuns, seg.stats.decoderRuns]).toEqual([2, 2, 6]);
  });

  it('encodes each distinct image once for several prompts, and reuses unchanged results on the next run', async () => {
    const { services, seg, loads } = await fakeServices();
    const executor = new WorkflowExecutor({ registry, services });
    await executor.run(threePrompts());
    expect(seg.stats.visionRuns).toBe(1); // three CLIPSeg nodes, one image encode
    expect(seg.stats.decoderRuns).toBe(3);
    expect(loads).toEqual(['a.png']);

    await executor.run(threePrompts('a cat', 0.7)); // only the threshold changed
    expect(seg.stats).toMatchObject({ visionRuns: 1, decoderRuns: 3 });

    await executor.run(threePrompts('a kitten', 0.7)); // one prompt changed: one decoder run, no new encode
    expect(seg.stats).toMatchObject({ visionRuns: 1, decoderRuns: 4 });
    expect(loads).toEqual(['a.png']);
  });

  it('cancels a run: the signal aborts the pipeline call, later statuses are not reported, the next run works', async () => {
    let hold: (() => void) | undefined;
    let entered: () => void = () => undefined;
    const inDecoder = new Promise<void>((resolve) => (entered = resolve));
    const { services } = await fakeServices({
      backend: {
        beforeRun: (graph) => {
          if (graph !== 'decoder' || hold !== undefined) return;
          entered();
          return new Promise<void>((resolve) => (hold = resolve));
        },
      },
    });
    const executor = new WorkflowExecutor({ registry, services });
    const controller = new AbortController();
    const statuses: [string, string][] = [];
    const running = executor.run(threePrompts(), { signal: controller.signal, onStatus: (id, s) => statuses.push([id, s.state]) });
    await inDecoder;
    const before = statuses.length;
    controller.abort();
    hold!();
    await expect(running).rejects.toMatchObject({ code: 'WORKFLOW_CANCELLED' });
    expect(statuses.length).toBe(before);
    expect(statuses.some(([id, s]) => id === 'prev' && s === 'done')).toBe(false);

    const again = await executor.run(threePrompts());
    expect(again.errors).toEqual([]);
    expect(again.statuses.get('prev')!.state).toBe('done');
  });

  it('surfaces an error on the node that failed and blocks only what depends on it', async () => {
    const { services } = await fakeServices();
    const executor = new WorkflowExecutor({ registry, services });
    const result = await executor.run(
      workflow(
        [
          { id: 'a', type: 'image', controls: { source: 'a.png' } },
          { id: 'b', type: 'image', controls: { source: 'b.png' } },
          { id: 't', type: 'text-prompt', controls: { text: 'a cat' } },
          { id: 'empty', type: 'text-prompt', controls: { text: '  ' } },
          { id: 'sa', type: 'clipseg' },
          { id: 'sb', type: 'clipseg' },
          { id: 'sc', type: 'clipseg' },
          { id: 'both', type: 'combine' },
          { id: 'after', type: 'mask-preview' },
          { id: 'ok', type: 'mask-preview' },
          { id: 'lonely', type: 'invert' },
          { id: 'bad-bundle', type: 'clipseg', controls: { bundle: 'rd64' } },
        ],
        [
          ['a', 'image', 'sa', 'image'], ['t', 'text', 'sa', 'prompt'], ['b', 'image', 'sb', 'image'], ['t', 'text', 'sb', 'prompt'],
          ['a', 'image', 'sc', 'image'], ['empty', 'text', 'sc', 'prompt'],
          ['sa', 'mask', 'both', 'a'], ['sb', 'mask', 'both', 'b'], ['both', 'mask', 'after', 'mask'], ['sa', 'mask', 'ok', 'mask'],
          ['a', 'image', 'bad-bundle', 'image'], ['t', 'text', 'bad-bundle', 'prompt'],
        ],
      ),
    );
    const state = (id: string) => result.statuses.get(id)!;
    expect(state('both')).toMatchObject({ state: 'error', error: { code: 'WORKFLOW_NODE_FAILED', message: expect.stringMatching(/sizes differ.*Resize to image/) } });
    expect(state('after')).toMatchObject({ state: 'blocked', message: 'waiting for both (failed)' });
    expect(state('empty')).toMatchObject({ state: 'error', error: { code: 'WORKFLOW_CONTROL_INVALID' } });
    expect(state('sc')).toMatchObject({ state: 'blocked' });
    expect(state('lonely')).toMatchObject({ state: 'blocked', message: 'connect Mask' });
    expect(state('bad-bundle')).toMatchObject({ state: 'error', error: { code: 'WORKFLOW_BUNDLE_UNKNOWN' } });
    expect(state('ok').state).toBe('done');
    expect(result.errors.map((e) => e.nodeId).sort()).toEqual(['bad-bundle', 'both', 'empty']);
  });

  it('runs image, embedding and mix prompts through the mask operations', async () => {
    const { services, seg } = await fakeServices();
    const executor = new WorkflowExecutor({ registry, services });
    const result = await executor.run(
      workflow(
        [
          { id: 'img', type: 'image', controls: { source: 'a.png' } },
          { id: 'ex', type: 'image', controls: { source: 'b.png' } },
          { id: 'ip', type: 'image-prompt', controls: { box: { x: 2, y: 2, width: 6, height: 6 } } },
          { id: 't', type: 'text-prompt', controls: { text: 'a cat' } },
          { id: 'ep', type: 'embedding-prompt' },
          { id: 'mix', type: 'mix-embeddings', controls: { 'weight-a': 3, 'weight-b': 1 } },
          { id: 's', type: 'clipseg' },
          { id: 'resize', type: 'resize-to-image' },
          { id: 'blur', type: 'blur', controls: { sigma: 1 } },
          { id: 'th', type: 'threshold' },
          { id: 'dil', type: 'morphology', controls: { operation: 'dilate', radius: 1 } },
          { id: 'inv', type: 'invert' },
          { id: 'diff', type: 'combine', controls: { operation: 'difference' } },
          { id: 'heat', type: 'heatmap-preview' },
        ],
        [
          ['ex', 'image', 'ip', 'image'], ['t', 'text', 'ep', 'source'], ['ip', 'embedding', 'mix', 'a'], ['ep', 'embedding', 'mix', 'b'],
          ['img', 'image', 's', 'image'], ['mix', 'embedding', 's', 'prompt'], ['s', 'mask', 'resize', 'mask'], ['ex', 'image', 'resize', 'image'],
          ['resize', 'mask', 'blur', 'mask'], ['blur', 'mask', 'th', 'mask'], ['th', 'mask', 'dil', 'mask'], ['dil', 'mask', 'inv', 'mask'],
          ['dil', 'mask', 'diff', 'a'], ['inv', 'mask', 'diff', 'b'], ['diff', 'mask', 'heat', 'mask'],
        ],
      ),
    );
    expect(result.errors).toEqual([]);
    const embedding = (result.results.get('ep')!.outputs.embedding as { embedding: Float32Array }).embedding;
    expect(embedding).toHaveLength(8);
    expect(embedding).toEqual((await seg.embed(['a cat'])).data);
    const mix = result.results.get('mix')!.outputs.embedding as { mix: { weight: number }[] };
    expect(mix.mix.map((p) => p.weight)).toEqual([0.75, 0.25]);
    const diff = result.results.get('diff')!.outputs.mask as { width: number; data: Uint8Array };
    expect(diff.width).toBe(12);
    expect(diff.data).toBeInstanceOf(Uint8Array);
    expect(seg.stats.projectorRuns).toBe(1);
  });
});

import { CLIPSeg, memoryFileSet } from '@clipseg/core';
import { createFakeBackend, createFakeBundle } from '@clipseg/core/testing';
import { rasterImageAdapter, type PromptMask, type RasterImage } from '@clipseg/processor';
import { afterEach, describe, expect, it } from 'vitest';
import { defineElements, mountCLIPSegEditor, type CLIPSegEditor, type RunSummary, type WorkflowServices } from '../index.js';

function gradient(width: number, height: number): RasterImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set([(i * 7) % 256, (i * 3) % 256, 90], i * 3);
  return { width, height, channels: 3, data };
}

/** `selector` anywhere under `root`, through shadow roots. */
function deepQueryAll(root: ParentNode, selector: string): Element[] {
  const found: Element[] = [...root.querySelectorAll(selector)];
  for (const el of root.querySelectorAll('*')) if (el.shadowRoot) found.push(...deepQueryAll(el.shadowRoot, selector));
  return found;
}

async function services(): Promise<{ services: WorkflowServices; seg: CLIPSeg<RasterImage, PromptMask> }> {
  const seg = await CLIPSeg.load<RasterImage, PromptMask>(memoryFileSet(createFakeBundle().files), createFakeBackend(), { images: rasterImageAdapter });
  const scene = gradient(24, 16);
  return {
    seg,
    services: {
      bundles: ['default'],
      pipeline: () => seg,
      loadImage: (source) => {
        if (source !== 'test:scene') throw new Error(`unknown test image ${source}`);
        return scene;
      },
    },
  };
}

let ui: CLIPSegEditor | undefined;
afterEach(() => {
  ui?.destroy();
  ui = undefined;
  document.body.replaceChildren();
});

describe('the node editor in Chromium', () => {
  it('defines its elements explicitly, and twice is harmless', async () => {
    expect(customElements.get('clipseg-node-status')).toBeUndefined();
    await defineElements();
    await defineElements();
    expect(customElements.get('clipseg-node-status')).toBeDefined();
    expect(customElements.get('rete-node')).toBeDefined();
  });

  it('mounts, builds a graph through the API, runs it live, shows the mask preview, undoes and redoes', async () => {
    const container = document.createElement('div');
    container.style.cssText = 'position: relative; width: 1200px; height: 800px;';
    document.body.append(container);
    const { services: s, seg } = await services();
    const summaries: RunSummary[] = [];
    ui = await mountCLIPSegEditor(container, { services: s, debounceMs: 10, onRunSettled: (summary) => summaries.push(summary) });
    const { plugin } = ui;

    const image = await plugin.addNode('image', { position: { x: 0, y: 0 }, controls: { source: 'test:scene' } });
    const text = await plugin.addNode('text-prompt', { position: { x: 0, y: 300 }, controls: { text: 'a cat' } });
    const model = await plugin.addNode('clipseg', { position: { x: 300, y: 0 } });
    const threshold = await plugin.addNode('threshold', { position: { x: 600, y: 0 }, controls: { threshold: 0 } });
    const preview = await plugin.addNode('mask-preview', { position: { x: 900, y: 0 } });
    await plugin.connect(image, 'image', model, 'image');
    await plugin.connect(text, 'text', model, 'prompt');
    await plugin.connect(model, 'mask', threshold, 'mask');
    await plugin.connect(threshold, 'mask', preview, 'mask');

    // incompatible sockets are refused, and the graph is unchanged
    await expect(plugin.connect(image, 'image', threshold, 'mask')).rejects.toMatchObject({ code: 'WORKFLOW_CONNECTION_REFUSED' });
    expect(ui.editor.getConnections()).toHaveLength(4);

    await plugin.whenIdle();
    expect(preview.statusControl.status.state).toBe('done');
    expect(seg.stats.visionRuns).toBe(1);
    const last = summaries.at(-1)!;
    expect([last.cancelled, last.statuses.get(preview.id)?.state, last.durationMs >= 0]).toEqual([false, 'done', true]);

    const pixel = () => {
      const canvas = deepQueryAll(container, 'clipseg-node-status')
        .map((el) => (el as HTMLElement & { control?: unknown; canvas: HTMLCanvasElement | null }))
        .find((el) => el.control === preview.statusControl)?.canvas;
      if (!canvas || canvas.width !== 24) return undefined;
      return canvas.getContext('2d')!.getImageData(5, 5, 1, 1).data[0];
    };
    await expect.poll(pixel, { timeout: 5000 }).toBe(255); // threshold 0: every pixel is in the mask

    threshold.field('threshold')!.setValue(1); // as a user edit: recorded in the history, re-run live
    await plugin.whenIdle();
    await expect.poll(pixel, { timeout: 5000 }).toBe(0);
    expect(seg.stats.visionRuns).toBe(1); // the image is not encoded again

    await ui.undo();
    await plugin.whenIdle();
    expect(threshold.field('threshold')!.value).toBe(0);
    await expect.poll(pixel, { timeout: 5000 }).toBe(255);

    await ui.redo();
    await plugin.whenIdle();
    expect(threshold.field('threshold')!.value).toBe(1);
    await expect.poll(pixel, { timeout: 5000 }).toBe(0);

    // structure changes are undoable too
    const extra = await plugin.addNode('invert', { position: { x: 600, y: 400 } });
    expect(plugin.nodes()).toContain(extra);
    await ui.undo();
    expect(plugin.nodes().map((n) => n.id)).not.toContain(extra.id);
    await ui.redo();
    expect(plugin.nodes().map((n) => n.id)).toContain(extra.id);
  });

  it('saves and loads workflows; a bad file is reported and leaves the graph alone', async () => {
    const container = document.createElement('div');
    container.style.cssText = 'position: relative; width: 800px; height: 600px;';
    document.body.append(container);
    const { services: s } = await services();
    ui = await mountCLIPSegEditor(container, { services: s, live: false, minimap: false });
    const text = await ui.plugin.addNode('text-prompt', { controls: { text: 'a dog' } });
    const saved = ui.toWorkflow({ name: 'one' });
    expect(saved.nodes).toEqual([{ id: text.id, type: 'text-prompt', position: { x: 0, y: 0 }, controls: { text: 'a dog' } }]);

    const bad = await ui.loadWorkflow({ format: 'clipseg-workflow', version: 99, nodes: [], connections: [] });
    expect(bad.ok ? [] : bad.problems.map((p) => p.code)).toEqual(['WORKFLOW_VERSION_NEWER']);
    const worse = await ui.loadWorkflow({ format: 'clipseg-workflow', version: 1, nodes: [{ id: 'a', type: 'nope' }], connections: [{ source: 'a' }] });
    expect(worse.ok ? 0 : worse.problems.length).toBe(4);
    expect(ui.plugin.nodes()).toEqual([text]);

    const loaded = await ui.loadWorkflow({
      ...saved,
      nodes: [...saved.nodes, { id: 'img', type: 'image', position: { x: 0, y: 200 }, controls: { source: 'test:scene' } }, { id: 'seg', type: 'clipseg', position: { x: 300, y: 0 } }],
      connections: [{ source: text.id, sourceOutput: 'text', target: 'seg', targetInput: 'prompt' }, { source: 'img', sourceOutput: 'image', target: 'seg', targetInput: 'image' }],
    });
    expect(loaded.ok).toBe(true);
    expect(ui.plugin.nodes().map((n) => n.id).sort()).toEqual(['img', 'seg', text.id].sort());
    expect(ui.toWorkflow().connections).toHaveLength(2);
    await ui.plugin.run();
    expect(ui.plugin.nodes().find((n) => n.id === 'seg')!.statusControl.status.state).toBe('done');
  });
});

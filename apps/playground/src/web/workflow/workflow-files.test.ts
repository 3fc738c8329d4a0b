import { createDefaultRegistry, validateWorkflow, type Workflow } from '@clipseg/node-editor/engine';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_SCENE_SOURCE } from '../images/example-scene.js';
import { AUTOSAVE_KEY, clearAutosave, readAutosave, saveAutosave } from './autosave.js';
import { EXAMPLE_PROMPTS, exampleWorkflow } from './example-workflow.js';
import { decodeShareFragment, encodeShareFragment, MAX_SHARE_CHARS } from './share-link.js';
import { workflowFileName } from './workflow-file.js';

const registry = createDefaultRegistry();

/** A `Storage` in memory that refuses values longer than `limit` characters, as a full local storage does. */
function memoryStorage(limit = Infinity): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (key) => items.get(key) ?? null,
    key: (i) => [...items.keys()][i] ?? null,
    removeItem: (key) => void items.delete(key),
    setItem: (key, value) => {
      if (value.length > limit) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      items.set(key, value);
    },
  };
}

const withDroppedImage = (size: number): Workflow => {
  const workflow = exampleWorkflow();
  return { ...workflow, nodes: workflow.nodes.map((n) => (n.type === 'image' ? { ...n, controls: { source: `data:image/png;base64,${'A'.repeat(size)}` } } : n)) };
};

describe('the example workflow', () => {
  it('is valid: the example scene, two prompts, a CLIPSeg node, a mask and an overlay preview per prompt', () => {
    const result = validateWorkflow(exampleWorkflow(), { registry });
    expect(result.ok ? [] : result.problems).toEqual([]);
    const workflow = exampleWorkflow();
    const types = workflow.nodes.map((n) => n.type).sort();
    expect(types).toEqual(['clipseg', 'clipseg', 'heatmap-preview', 'heatmap-preview', 'image', 'mask-preview', 'mask-preview', 'text-prompt', 'text-prompt']);
    expect(workflow.nodes.filter((n) => n.type === 'text-prompt').map((n) => n.controls?.text)).toEqual([...EXAMPLE_PROMPTS]);
    expect(workflow.nodes.find((n) => n.type === 'image')?.controls?.source).toBe(EXAMPLE_SCENE_SOURCE);
    expect(workflowFileName(workflow)).toBe('example-a-red-ball-and-the-house.clipseg.json');
  });
});

describe('share links', () => {
  it('round-trip a workflow through the URL fragment', async () => {
    const { fragment, droppedImages } = await encodeShareFragment(exampleWorkflow());
    expect(droppedImages).toBe(0);
    expect(fragment).toMatch(/^workflow=[\w-]+$/);
    expect(fragment.length).toBeLessThan(1500);
    expect(await decodeShareFragment(`#${fragment}`)).toEqual(exampleWorkflow());
    expect(await decodeShareFragment('#other=1')).toBeUndefined();
    expect(await decodeShareFragment('')).toBeUndefined();
  });

  it('leave dropped images out, refuse graphs too large for a link, and report damaged links', async () => {
    const { fragment, droppedImages } = await encodeShareFragment(withDroppedImage(200_000));
    expect(droppedImages).toBe(1);
    const shared = (await decodeShareFragment(fragment)) as Workflow;
    expect(shared.nodes.find((n) => n.type === 'image')?.controls?.source).toBe(EXAMPLE_SCENE_SOURCE);

    const huge: Workflow = { ...exampleWorkflow(), nodes: Array.from({ length: 1500 }, (_, i) => ({ id: `t${i}`, type: 'text-prompt', controls: { text: `${(i * 7919) % 10007} ${Math.sin(i)}` } })), connections: [] };
    await expect(encodeShareFragment(huge)).rejects.toMatchObject({ code: 'PLAYGROUND_SHARE_TOO_LARGE', details: { length: expect.any(Number) } });
    expect(MAX_SHARE_CHARS).toBeGreaterThan(2000);

    await expect(decodeShareFragment(`#${fragment.slice(0, 40)}`)).rejects.toMatchObject({ code: 'PLAYGROUND_WORKFLOW_UNREADABLE' });
  });
});

describe('autosave', () => {
  it('saves and reads the workflow; without room, saves it without the dropped image', () => {
    const storage = memoryStorage(20_000);
    expect(readAutosave(storage)).toBeUndefined();
    expect(saveAutosave(storage, exampleWorkflow())).toEqual({ withoutImages: false });
    expect(readAutosave(storage)).toEqual(exampleWorkflow());

    expect(saveAutosave(storage, withDroppedImage(50_000))).toEqual({ withoutImages: true });
    expect((readAutosave(storage) as Workflow).nodes.find((n) => n.type === 'image')?.controls?.source).toBe(EXAMPLE_SCENE_SOURCE);

    expect(() => saveAutosave(memoryStorage(10), exampleWorkflow())).toThrow(expect.objectContaining({ code: 'PLAYGROUND_STORAGE_FAILED' }));
    storage.setItem(AUTOSAVE_KEY, '{not json');
    expect(readAutosave(storage)).toBeUndefined();
    clearAutosave(storage);
    expect(storage.getItem(AUTOSAVE_KEY)).toBeNull();
  });
});

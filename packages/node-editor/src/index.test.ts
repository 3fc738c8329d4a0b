import { describe, expect, it } from 'vitest';

describe('@clipseg/node-editor in Node', () => {
  it('imports without a DOM and defines nothing at import time', async () => {
    const api = await import('./index.js');
    expect(typeof api.defineElements).toBe('function');
    expect(typeof api.mountCLIPSegEditor).toBe('function');
    expect(api.createDefaultRegistry().types()).toHaveLength(16);
    // lit's Node build may install a customElements shim; nothing of ours (or Rete's) is defined in it
    const registry = (globalThis as { customElements?: { get(tag: string): unknown } }).customElements;
    for (const tag of [...api.ELEMENT_TAGS, 'rete-node', 'rete-control']) expect(registry?.get(tag)).toBeUndefined();
  });

  it('maps key presses to shortcuts', async () => {
    const { shortcutFor } = await import('./index.js');
    const key = (k: string, mods: Partial<Record<'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey', boolean>> = {}) =>
      shortcutFor({ key: k, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });
    expect([key('Delete'), key('Backspace'), key('f'), key('c', { ctrlKey: true }), key('v', { metaKey: true })]).toEqual(['delete', 'delete', 'fit', 'copy', 'paste']);
    expect([key('z', { ctrlKey: true }), key('Z', { ctrlKey: true, shiftKey: true }), key('y', { ctrlKey: true }), key('a'), key('c')]).toEqual(['undo', 'redo', 'redo', undefined, undefined]);
  });

  it('parses pasted embeddings', async () => {
    const { parseVector } = await import('./index.js');
    expect(parseVector('1, 2.5  -3')).toEqual([1, 2.5, -3]);
    expect(parseVector('[0.5, 1]')).toEqual([0.5, 1]);
    expect(parseVector('{"embedding": [2]}')).toEqual([2]);
    expect(parseVector('1, x')).toBeUndefined();
    expect(parseVector('  ')).toEqual([]);
  });
});

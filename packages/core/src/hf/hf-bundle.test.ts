import { describe, expect, it } from 'vitest';
import { memoryFileSet } from '../loading/file-set.js';
import { createTensor } from '../tensor/tensor.js';
import { HFBundle } from './hf-bundle.js';
import { createFakeHFBackend, createFakeHFBundle, type FakeHFBundleOptions } from '../testing/fake-hf-bundle.js';

const load = (options: FakeHFBundleOptions = {}, backend = createFakeHFBackend()) => HFBundle.load(memoryFileSet(createFakeHFBundle(options).files, 'fake'), backend);

type ManifestJson = { graphs: Record<string, { outputs: unknown[] }> };

function editManifest(files: Record<string, Uint8Array>, edit: (m: ManifestJson) => void): Record<string, Uint8Array> {
  const manifest = JSON.parse(new TextDecoder().decode(files['manifest.json'])) as ManifestJson;
  edit(manifest);
  return { ...files, 'manifest.json': new TextEncoder().encode(JSON.stringify(manifest)) };
}

describe('HFBundle', () => {
  it('reads a format-2 bundle without creating any session; graphs load on first use, once, shared', async () => {
    const backend = createFakeHFBackend();
    const bundle = await load({}, backend);
    expect(bundle.manifest.formatVersion).toBe(2);
    expect(bundle.logitScale).toBe(2.5);
    expect(['text_model', 'vision_model', 'decoder_hidden_states', 'decoder'].every((g) => bundle.hasGraph(g as never))).toBe(true);
    expect(backend.created).toEqual([]);
    const ids = createTensor('int64', [1, 2], [1n, 2n]);
    await Promise.all([bundle.run('text_encoder', { input_ids: ids }, ['text_embeds']), bundle.run('text_encoder', { input_ids: ids }, ['text_embeds'])]);
    expect(backend.created).toEqual(['text_encoder']);
    await bundle.dispose();
    expect(backend.disposed).toEqual(['text_encoder']);
    await expect(bundle.run('text_encoder', { input_ids: ids }, ['text_embeds'])).rejects.toMatchObject({ code: 'HF_DISPOSED' });
    await bundle.dispose(); // idempotent
  });

  it('reads a format-1 bundle: no logitScale unless given, no optional graph', async () => {
    const v1 = await load({ formatVersion: 1 });
    expect(v1.logitScale).toBeUndefined();
    expect(v1.hasGraph('text_model')).toBe(false);
    expect(() => v1.requireGraph('text_model', 'CLIPSegTextModel')).toThrowError(
      expect.objectContaining({ code: 'HF_GRAPH_MISSING', message: expect.stringMatching(/CLIPSegTextModel needs the 'text_model' graph, which this bundle \(format 1\)/) }),
    );
    await expect(v1.positionTable()).rejects.toMatchObject({ code: 'HF_GRAPH_MISSING' });
    const scaled = await HFBundle.load(memoryFileSet(createFakeHFBundle({ formatVersion: 1 }).files), createFakeHFBackend(), { logitScale: 4.6 });
    expect(scaled.logitScale).toBe(4.6);
  });

  it('reads the position-embedding table once', async () => {
    const fake = createFakeHFBundle();
    const bundle = await HFBundle.load(memoryFileSet(fake.files), createFakeHFBackend());
    const [a, b] = await Promise.all([bundle.positionTable(), bundle.positionTable()]);
    expect(a).toBe(b);
    expect(a).toEqual(fake.positionTable);
  });

  it('refuses bad options and optional graphs whose contract does not fit the config', async () => {
    const files = createFakeHFBundle().files;
    await expect(HFBundle.load(memoryFileSet(files), createFakeHFBackend(), { verify: 'md5' as never })).rejects.toMatchObject({ code: 'HF_INVALID_OPTIONS' });
    await expect(HFBundle.load(memoryFileSet(files), createFakeHFBackend(), { logitScale: Number.NaN })).rejects.toMatchObject({ code: 'HF_INVALID_OPTIONS' });
    await expect(HFBundle.load(memoryFileSet(files), {} as never)).rejects.toMatchObject({ code: 'HF_INVALID_OPTIONS' });
    const short = editManifest(files, (m) => (m.graphs.vision_model!.outputs = m.graphs.vision_model!.outputs.slice(0, 4)));
    await expect(HFBundle.load(memoryFileSet(short), createFakeHFBackend())).rejects.toMatchObject({ code: 'HF_GRAPH_MISMATCH', message: expect.stringMatching(/vision_model/) });
  });

  it('refuses a session whose names differ from the manifest, and retries after a failure', async () => {
    const backend = createFakeHFBackend({ rename: { text_encoder: { text_embeds: 'features' } } });
    const bundle = await load({}, backend);
    const ids = createTensor('int64', [1, 2], [1n, 2n]);
    await expect(bundle.run('text_encoder', { input_ids: ids }, ['text_embeds'])).rejects.toMatchObject({ code: 'HF_GRAPH_MISMATCH' });
    await expect(bundle.run('text_encoder', { input_ids: ids }, ['text_embeds'])).rejects.toMatchObject({ code: 'HF_GRAPH_MISMATCH' });
    expect(backend.created).toEqual(['text_encoder', 'text_encoder']);
    expect(backend.disposed).toEqual(['text_encoder', 'text_encoder']);
  });

  it('turns an aborted run into HF_ABORTED', async () => {
    const controller = new AbortController();
    const backend = createFakeHFBackend({ beforeRun: () => controller.abort(new Error('stop')) });
    const bundle = await load({}, backend);
    await expect(bundle.run('text_encoder', { input_ids: createTensor('int64', [1, 2], [1n, 2n]) }, ['text_embeds'], controller.signal)).rejects.toMatchObject({ code: 'HF_ABORTED' });
    await expect(bundle.run('text_encoder', { input_ids: createTensor('int64', [1, 2], [1n, 2n]) }, ['text_embeds'], controller.signal)).rejects.toMatchObject({ code: 'HF_ABORTED' });
  });
});

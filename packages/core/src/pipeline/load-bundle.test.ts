import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BUNDLE_FORMAT_VERSION } from '../bundle/bundle-manifest.js';
import type { Backend } from '../backend/backend.js';
import { memoryFileSet, type FileSet } from '../loading/file-set.js';
import { CLIPSeg } from './clipseg.js';
import { createFakeBackend, createFakeBundle, type FakeBackendOptions, type FakeBundle } from '../testing/fake-clipseg-bundle.js';
import { fakeImageAdapter } from '../testing/fake-image-adapter.js';

type Json = Record<string, unknown>;
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/** A copy of the bundle's files with `name` replaced, and the manifest entry that lists it updated to match. */
function rewrite(bundle: FakeBundle, name: string, content: string, editManifest: (m: Json) => void = () => undefined): Record<string, Uint8Array> {
  const files = { ...bundle.files, [name]: enc(content) };
  const manifest = JSON.parse(dec(bundle.files['manifest.json']!)) as Json;
  const fix = (e: Json) => {
    if (e.path === name) Object.assign(e, { bytes: files[name]!.byteLength, sha256: createHash('sha256').update(files[name]!).digest('hex') });
  };
  Object.values(manifest.graphs as Json).forEach((g) => fix(g as Json));
  const f = manifest.files as { config: Json; preprocessor: Json; tokenizer: Json[] };
  [f.config, f.preprocessor, ...f.tokenizer].forEach(fix);
  editManifest(manifest);
  files['manifest.json'] = enc(JSON.stringify(manifest));
  return files;
}

function editManifest(bundle: FakeBundle, edit: (m: Json) => void): Record<string, Uint8Array> {
  return rewrite(bundle, 'manifest.json', dec(bundle.files['manifest.json']!), edit);
}

const load = (files: Record<string, Uint8Array>, options: { verify?: 'none' | 'size' | 'sha256'; backend?: FakeBackendOptions } = {}) => {
  const backend = createFakeBackend(options.backend);
  return { backend, loading: CLIPSeg.load(memoryFileSet(files, '/bundles/tiny'), backend, { images: fakeImageAdapter(), verify: options.verify }) };
};

const without = (files: Record<string, Uint8Array>, name: string) => Object.fromEntries(Object.entries(files).filter(([n]) => n !== name));

/** A fake backend that also reads "file paths" (served from `files`), logging what each createSession got. */
function pathReadingBackend(files: Record<string, Uint8Array>) {
  const inner = createFakeBackend();
  const sources: string[] = [];
  const backend: Backend = {
    name: 'fake-path-reader',
    readsFilePaths: true,
    createSession(source, options) {
      sources.push(typeof source === 'string' ? source : 'bytes');
      return inner.createSession(typeof source === 'string' ? files[source.replace('/disk/', '')]! : source, options);
    },
  };
  return { backend, sources };
}

describe('CLIPSeg.load', () => {
  it.each([
    ['size', ['/disk/text_encoder.onnx', '/disk/vision_encoder.onnx', '/disk/decoder.onnx']],
    ['none', ['/disk/text_encoder.onnx', '/disk/vision_encoder.onnx', '/disk/decoder.onnx']],
    ['sha256', ['bytes', 'bytes', 'bytes']],
  ] as const)('hands a backend that reads files the graph paths (verify %s), unless they must be hashed', async (verify, expected) => {
    const bundle = createFakeBundle();
    const { backend, sources } = pathReadingBackend(bundle.files);
    const files: FileSet = { ...memoryFileSet(bundle.files, '/disk'), filePath: (name) => `/disk/${name}` };
    const seg = await CLIPSeg.load(files, backend, { images: fakeImageAdapter(), verify });
    expect([...sources].sort()).toEqual([...expected].sort());
    await seg.dispose();
  });

  it('still checks the size of a graph it hands over by path', async () => {
    const bundle = createFakeBundle();
    const files = { ...bundle.files, 'decoder.onnx': Uint8Array.of(...bundle.files['decoder.onnx']!, 0) };
    const { backend, sources } = pathReadingBackend(files);
    const set: FileSet = { ...memoryFileSet(files, '/disk'), filePath: (name) => `/disk/${name}` };
    await expect(CLIPSeg.load(set, backend, { images: fakeImageAdapter() })).rejects.toMatchObject({ code: 'BUNDLE_INTEGRITY' });
    expect(sources).not.toContain('/disk/decoder.onnx');
  });

  it('loads a bundle, exposing its config, preprocessing, tokenizer, manifest and sessions', async () => {
    const bundle = createFakeBundle();
    const { loading, backend } = load(bundle.files, { verify: 'sha256' });
    const seg = await loading;
    expect(seg.config.projection_dim).toBe(8);
    expect(seg.config.extract_layers).toEqual([0, 2, 1]);
    expect(seg.preprocessorConfig.size).toEqual({ height: 16, width: 16 });
    expect(seg.tokenizer.eosTokenId).toBe(bundle.eosId);
    expect(seg.manifest.createdBy).toBe('fake-clipseg-bundle');
    expect(Object.keys(seg.sessionInfo).sort()).toEqual(['decoder', 'text_encoder', 'vision_encoder']);
    expect(backend.sessions.map((s) => s.graph)).toEqual(['text_encoder', 'vision_encoder', 'decoder']);
  });

  it('refuses a folder without manifest.json with BUNDLE_NOT_FOUND naming the location', async () => {
    await expect(load(without(createFakeBundle().files, 'manifest.json')).loading).rejects.toMatchObject({
      name: 'BundleError',
      code: 'BUNDLE_NOT_FOUND',
      message: expect.stringContaining('/bundles/tiny has no manifest.json'),
    });
  });

  it('refuses a newer format version and a damaged manifest', async () => {
    const bundle = createFakeBundle();
    await expect(load(editManifest(bundle, (m) => (m.formatVersion = BUNDLE_FORMAT_VERSION + 1))).loading).rejects.toMatchObject({ code: 'BUNDLE_VERSION_UNSUPPORTED' });
    await expect(load({ ...bundle.files, 'manifest.json': enc('{') }).loading).rejects.toMatchObject({ code: 'BUNDLE_MANIFEST_INVALID' });
  });

  it.each(['decoder.onnx', 'image_projector.onnx', 'vocab.json', 'config.json', 'preprocessor_config.json'])('refuses a bundle without %s (BUNDLE_FILE_MISSING)', async (name) => {
    const { loading, backend } = load(without(createFakeBundle().files, name));
    await expect(loading).rejects.toMatchObject({ code: 'BUNDLE_FILE_MISSING', message: expect.stringContaining(`/bundles/tiny/${name} is missing`) });
    expect(backend.sessions.every((s) => s.disposed)).toBe(true);
  });

  it("checks sizes by default, skips them with verify 'none'", async () => {
    const bundle = createFakeBundle();
    for (const name of ['text_encoder.onnx', 'image_projector.onnx', 'config.json']) {
      const files = { ...bundle.files, [name]: enc(`${dec(bundle.files[name]!)} `) };
      await expect(load(files).loading, name).rejects.toMatchObject({ code: 'BUNDLE_INTEGRITY', details: { path: name, expected: bundle.files[name]!.byteLength } });
      await expect(load(files, { verify: 'none' }).loading).resolves.toBeInstanceOf(CLIPSeg);
    }
  });

  it("checks SHA-256 digests with verify 'sha256' (the lazily loaded projector too)", async () => {
    const bundle = createFakeBundle();
    for (const name of ['text_encoder.onnx', 'image_projector.onnx', 'config.json']) {
      const text = dec(bundle.files[name]!);
      const same = text.includes('"eosId"') ? text.replace(/"eosId":(\d)/, (_, d: string) => `"eosId":${(Number(d) + 1) % 10}`) : text.replace('"clipseg"', '"clipsef"');
      expect(same).not.toBe(text);
      const files = { ...bundle.files, [name]: enc(same) };
      await expect(load(files, { verify: 'sha256' }).loading, name).rejects.toMatchObject({ code: 'BUNDLE_INTEGRITY', message: expect.stringMatching(/SHA-256/) });
      if (name !== 'config.json') await expect(load(files).loading).resolves.toBeInstanceOf(CLIPSeg);
    }
  });

  it('refuses sessions whose inputs or outputs differ from the manifest, disposing what it created', async () => {
    const bundle = createFakeBundle();
    const { loading, backend } = load(bundle.files, { backend: { rename: { decoder: { logits: 'masks' } } } });
    await expect(loading).rejects.toMatchObject({ code: 'PIPELINE_GRAPH_MISMATCH', details: { graph: 'decoder', expected: ['logits'], actual: ['masks'] } });
    expect(backend.sessions.map((s) => [s.graph, s.disposed])).toEqual([
      ['text_encoder', true],
      ['vision_encoder', true],
      ['decoder', true],
    ]);
    await expect(load(bundle.files, { backend: { rename: { text_encoder: { input_ids: 'ids' } } } }).loading).rejects.toMatchObject({
      code: 'PIPELINE_GRAPH_MISMATCH',
      details: { graph: 'text_encoder' },
    });
  });

  it('finds an image_projector that does not match the manifest on first use, and retries on the next', async () => {
    const { loading, backend } = load(createFakeBundle().files, { backend: { rename: { image_projector: { image_embeds: 'embeds' } } } });
    const seg = await loading;
    await expect(seg.embed('a cat')).resolves.toBeDefined();
    const prompt = { image: { width: 1, height: 1, value: 0 } };
    await expect(seg.embed(prompt)).rejects.toMatchObject({ code: 'PIPELINE_GRAPH_MISMATCH', details: { graph: 'image_projector' } });
    await expect(seg.embed(prompt)).rejects.toMatchObject({ code: 'PIPELINE_GRAPH_MISMATCH' });
    expect(backend.sessions.filter((s) => s.graph === 'image_projector').map((s) => s.disposed)).toEqual([true, true]);
  });

  it('refuses a manifest whose contract is not what the pipeline feeds', async () => {
    const bundle = createFakeBundle();
    const renamed = editManifest(bundle, (m) => {
      const text = (m.graphs as Json).text_encoder as { inputs: Json[] };
      text.inputs.push({ name: 'attention_mask', type: 'int64', dims: ['batch', 'sequence'] });
    });
    await expect(load(renamed).loading).rejects.toMatchObject({ code: 'PIPELINE_GRAPH_MISMATCH', message: expect.stringMatching(/text_encoder graph inputs in manifest.json/) });
    const fewer = createFakeBundle({ extractLayers: [0, 1] });
    const mixed = rewrite(bundle, 'config.json', dec(fewer.files['config.json']!));
    await expect(load(mixed).loading).rejects.toMatchObject({ code: 'PIPELINE_GRAPH_MISMATCH', details: { graph: 'decoder' } });
  });

  it('refuses configs that disagree with the manifest', async () => {
    const bundle = createFakeBundle();
    const pre = JSON.parse(dec(bundle.files['preprocessor_config.json']!)) as Json;
    const resized = rewrite(bundle, 'preprocessor_config.json', JSON.stringify({ ...pre, size: { height: 32, width: 32 } }));
    await expect(load(resized).loading).rejects.toMatchObject({ code: 'PIPELINE_BUNDLE_MISMATCH', message: expect.stringMatching(/32×32.*16×16/) });
    const config = JSON.parse(dec(bundle.files['config.json']!)) as Json;
    const wider = rewrite(bundle, 'config.json', JSON.stringify({ ...config, projection_dim: 16 }));
    await expect(load(wider).loading).rejects.toMatchObject({ code: 'PIPELINE_BUNDLE_MISMATCH', details: { expected: 16, actual: 8 } });
    const broken = rewrite(bundle, 'config.json', JSON.stringify({ ...config, model_type: 'bert' }));
    await expect(load(broken).loading).rejects.toMatchObject({ code: 'CONFIG_WRONG_MODEL_TYPE' });
  });

  it('refuses bad options and honours an aborted signal', async () => {
    const files = memoryFileSet(createFakeBundle().files);
    const backend = createFakeBackend();
    await expect(CLIPSeg.load(files, backend, { verify: 'md5' as never })).rejects.toMatchObject({ code: 'PIPELINE_INVALID_OPTIONS' });
    await expect(CLIPSeg.load(files, backend, { textCacheSize: -1 })).rejects.toMatchObject({ code: 'PIPELINE_INVALID_OPTIONS' });
    await expect(CLIPSeg.load(files, backend, { images: {} as never })).rejects.toMatchObject({ code: 'PIPELINE_INVALID_OPTIONS' });
    await expect(CLIPSeg.load(files, backend, { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'PIPELINE_ABORTED' });
    expect(backend.sessions).toHaveLength(0);
  });

  it('passes backend failures through', async () => {
    const bundle = createFakeBundle();
    const files = { ...bundle.files, 'vision_encoder.onnx': enc('x'.repeat(bundle.files['vision_encoder.onnx']!.byteLength)) };
    const { loading, backend } = load(files);
    await expect(loading).rejects.toMatchObject({ code: 'BACKEND_INVALID_MODEL' });
    // Sessions are created concurrently: every one that was created is disposed again.
    expect(backend.sessions.map((s) => [s.graph, s.disposed]).sort()).toEqual([
      ['decoder', true],
      ['text_encoder', true],
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION, parseBundleManifest } from './bundle-manifest.js';
import { BUNDLE_GRAPH_NAMES, BUNDLE_OPTIONAL_GRAPH_NAMES, isBundleOptionalGraphName } from './graph-names.js';

const file = (path: string) => ({ path, bytes: 10, sha256: 'a'.repeat(64) });

function manifest(): Record<string, unknown> {
  const graphs = Object.fromEntries(
    BUNDLE_GRAPH_NAMES.map((g) => [
      g,
      { ...file(`${g}.onnx`), inputs: [{ name: 'x', type: 'float32', dims: ['batch', 3] }], outputs: [{ name: 'y', type: 'int64', dims: [1] }] },
    ]),
  );
  return {
    format: BUNDLE_FORMAT,
    formatVersion: BUNDLE_FORMAT_VERSION,
    createdBy: 'test',
    source: { files: [file('model.safetensors')] },
    dtype: 'fp32',
    imageSize: { height: 352, width: 352 },
    graphs,
    files: { config: file('config.json'), preprocessor: file('preprocessor_config.json'), tokenizer: [file('vocab.json'), file('merges.txt')] },
  };
}

describe('parseBundleManifest', () => {
  it('parses a valid manifest, from text or object, dropping unknown fields', () => {
    const m = parseBundleManifest(JSON.stringify({ ...manifest(), extra: 1 }));
    expect(m.graphs.decoder.inputs[0]).toEqual({ name: 'x', type: 'float32', dims: ['batch', 3] });
    expect(m.files.tokenizer.map((f) => f.path)).toEqual(['vocab.json', 'merges.txt']);
    expect('extra' in m).toBe(false);
    expect(parseBundleManifest(manifest()).imageSize).toEqual({ height: 352, width: 352 });
  });

  it('refuses a newer format version with BUNDLE_VERSION_UNSUPPORTED', () => {
    expect(() => parseBundleManifest({ ...manifest(), formatVersion: BUNDLE_FORMAT_VERSION + 1 })).toThrowError(
      expect.objectContaining({ code: 'BUNDLE_VERSION_UNSUPPORTED', message: expect.stringMatching(/Upgrade the @clipseg packages/) }),
    );
  });

  it('refuses something that is not a bundle manifest with BUNDLE_FORMAT_UNKNOWN', () => {
    expect(() => parseBundleManifest({ model_type: 'clipseg' })).toThrowError(expect.objectContaining({ code: 'BUNDLE_FORMAT_UNKNOWN' }));
  });

  it.each([
    ['not JSON', '{', /not valid JSON/],
    ['a missing graph', { ...manifest(), graphs: {} }, /graphs\.text_encoder must be an object/],
    ['a bad digest', { ...manifest(), files: { ...(manifest().files as object), config: { ...file('config.json'), sha256: 'XYZ' } } }, /files\.config\.sha256/],
    ['a path escaping the bundle', { ...manifest(), files: { ...(manifest().files as object), config: file('../etc/passwd') } }, /files\.config\.path/],
    ['an absolute path', { ...manifest(), files: { ...(manifest().files as object), config: file('/etc/passwd') } }, /files\.config\.path/],
    ['a bad dtype', { ...manifest(), dtype: 'int4' }, /dtype/],
    ['a zero image size', { ...manifest(), imageSize: { height: 0, width: 352 } }, /imageSize\.height/],
    ['no tokenizer files', { ...manifest(), files: { ...(manifest().files as object), tokenizer: [] } }, /files\.tokenizer/],
    ['a bad tensor dtype', { ...manifest(), graphs: { ...(manifest().graphs as object), decoder: { ...file('d.onnx'), inputs: [{ name: 'x', type: 'float64', dims: [] }], outputs: [] } } }, /graphs\.decoder\.inputs\[0\]\.type/],
  ])('refuses %s with BUNDLE_MANIFEST_INVALID naming the field', (_what, input, message) => {
    expect(() => parseBundleManifest(input)).toThrowError(expect.objectContaining({ code: 'BUNDLE_MANIFEST_INVALID', message: expect.stringMatching(message) }));
  });
});

describe('parseBundleManifest: format 2 and the optional graphs', () => {
  const graph = (name: string) => ({ ...file(`${name}.onnx`), inputs: [{ name: 'x', type: 'float32', dims: [1] }], outputs: [{ name: 'y', type: 'float32', dims: [1] }] });
  const v2 = (extra: Record<string, unknown> = {}, files: Record<string, unknown> = {}) => {
    const m = manifest();
    return { ...m, formatVersion: 2, logitScale: 2.659200048446655, ...extra, files: { ...(m.files as object), ...files } };
  };

  it('reads version 1 (no logitScale, no optional graph) and version 2 with optional graphs, logitScale and the table', () => {
    const one = parseBundleManifest({ ...manifest(), formatVersion: 1 });
    expect(one.formatVersion).toBe(1);
    expect(one.logitScale).toBeUndefined();
    expect(one.files.positionEmbeddings).toBeUndefined();
    const graphs = { ...(manifest().graphs as object), text_model: graph('text_model'), vision_model: graph('vision_model'), decoder_hidden_states: graph('decoder_hidden_states') };
    const two = parseBundleManifest(v2({ graphs }, { positionEmbeddings: file('vision_position_embedding.safetensors') }));
    expect(two.logitScale).toBe(2.659200048446655);
    expect(Object.keys(two.graphs)).toEqual([...BUNDLE_GRAPH_NAMES, ...BUNDLE_OPTIONAL_GRAPH_NAMES]);
    expect(two.graphs.vision_model!.path).toBe('vision_model.onnx');
    expect(two.files.positionEmbeddings!.path).toBe('vision_position_embedding.safetensors');
  });

  it('ignores optional graphs in a version-1 manifest, and unknown graph names anywhere', () => {
    const graphs = { ...(manifest().graphs as object), text_model: graph('text_model'), some_future_graph: graph('x') };
    expect(Object.keys(parseBundleManifest({ ...manifest(), formatVersion: 1, graphs }).graphs)).toEqual([...BUNDLE_GRAPH_NAMES]);
    expect(Object.keys(parseBundleManifest(v2({ graphs })).graphs)).toEqual([...BUNDLE_GRAPH_NAMES, 'text_model']);
  });

  it.each([
    ['a non-numeric logitScale', v2({ logitScale: 'e' }), /logitScale/],
    ['vision_model without the position table', v2({ graphs: { ...(manifest().graphs as object), vision_model: graph('vision_model') } }), /files\.positionEmbeddings/],
    ['a bad optional graph entry', v2({ graphs: { ...(manifest().graphs as object), text_model: { path: 'text_model.onnx' } } }), /graphs\.text_model/],
    ['a bad position table entry', v2({}, { positionEmbeddings: file('../x') }), /files\.positionEmbeddings\.path/],
  ])('refuses %s with BUNDLE_MANIFEST_INVALID', (_what, input, message) => {
    expect(() => parseBundleManifest(input)).toThrowError(expect.objectContaining({ code: 'BUNDLE_MANIFEST_INVALID', message: expect.stringMatching(message) }));
  });

  it('names the optional graphs', () => {
    expect(BUNDLE_FORMAT_VERSION).toBe(2);
    expect(BUNDLE_OPTIONAL_GRAPH_NAMES.every(isBundleOptionalGraphName)).toBe(true);
    expect(isBundleOptionalGraphName('decoder')).toBe(false);
  });
});

describe('hostile manifests found by fuzzing (docs/fuzzing.md)', () => {
  it('a deeply nested format is refused with BUNDLE_FORMAT_UNKNOWN, not a stack overflow', () => {
    const deep = `${'['.repeat(50_000)}0${']'.repeat(50_000)}`;
    expect(() => parseBundleManifest(`{"format":${deep}}`)).toThrowError(expect.objectContaining({ code: 'BUNDLE_FORMAT_UNKNOWN', message: expect.stringContaining('an array') }));
  });

  it.each(['>.0..__', 'a:b', 'C:\\evil', 'a\\..\\..\\b', 'a\u0000b', 'x/./y', 'dir/', 'nul.', `${'x'.repeat(300)}.json`])('a path that is not a plain relative path (%j) is refused', (path) => {
    const files = { ...(manifest().files as object), config: file(path) };
    expect(() => parseBundleManifest({ ...manifest(), files })).toThrowError(expect.objectContaining({ code: 'BUNDLE_MANIFEST_INVALID', message: expect.stringContaining('files.config.path') }));
  });
});

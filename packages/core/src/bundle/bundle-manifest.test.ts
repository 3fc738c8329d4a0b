import { describe, expect, it } from 'vitest';
import { BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION, BUNDLE_GRAPH_NAMES, parseBundleManifest } from './bundle-manifest.js';

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
    ['a bad dtype', { ...manifest(), dtype: 'int8' }, /dtype/],
    ['a zero image size', { ...manifest(), imageSize: { height: 0, width: 352 } }, /imageSize\.height/],
    ['no tokenizer files', { ...manifest(), files: { ...(manifest().files as object), tokenizer: [] } }, /files\.tokenizer/],
    ['a bad tensor dtype', { ...manifest(), graphs: { ...(manifest().graphs as object), decoder: { ...file('d.onnx'), inputs: [{ name: 'x', type: 'float64', dims: [] }], outputs: [] } } }, /graphs\.decoder\.inputs\[0\]\.type/],
  ])('refuses %s with BUNDLE_MANIFEST_INVALID naming the field', (_what, input, message) => {
    expect(() => parseBundleManifest(input)).toThrowError(expect.objectContaining({ code: 'BUNDLE_MANIFEST_INVALID', message: expect.stringMatching(message) }));
  });
});

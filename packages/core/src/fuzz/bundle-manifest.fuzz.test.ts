/**
 * Fuzzing `parseBundleManifest` (see docs/fuzzing.md): arbitrary JSON and hostile edits of valid manifests give a
 * manifest or a `BUNDLE_*` error; every path an accepted manifest names is a safe relative path; and a parsed
 * manifest written as JSON parses back to itself.
 */
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { fuzzIt, hostileJsonValue, jsonText, mutatedJson, mutatedJsonText, typedOutcome } from '../../../../fuzz/index.js';
import { BUNDLE_FORMAT, BUNDLE_WEIGHT_DTYPES, parseBundleManifest } from '../bundle/bundle-manifest.js';
import { BUNDLE_GRAPH_NAMES, BUNDLE_OPTIONAL_GRAPH_NAMES } from '../bundle/graph-names.js';
import type { BundleManifest } from '../bundle/bundle-manifest.js';
import { checkRelativePath } from '../io/safe-path.js';

const CODES = 'BUNDLE_';

const segment = fc.stringMatching(/^[a-z0-9_][a-z0-9_.-]{0,15}$/).filter((s) => !s.endsWith('.') && s !== '..');
const path = fc.array(segment, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/'));
const fileEntry = fc.record({ path, bytes: fc.nat(), sha256: fc.stringMatching(/^[0-9a-f]{64}$/) });
const spec = fc.record(
  {
    name: fc.string({ minLength: 1, maxLength: 12 }),
    type: fc.constantFrom('float32', 'float16', 'int64', 'int32', 'int8', 'uint8', 'bool'),
    dims: fc.array(fc.oneof(fc.nat(), fc.string({ minLength: 1, maxLength: 8 })), { maxLength: 4 }),
    description: fc.string({ maxLength: 20 }),
  },
  { requiredKeys: ['name', 'type', 'dims'] },
);
const graph = fc.record({ entry: fileEntry, inputs: fc.array(spec, { maxLength: 3 }), outputs: fc.array(spec, { maxLength: 3 }) }).map(({ entry, inputs, outputs }) => ({ ...entry, inputs, outputs }));

/** A valid manifest of format version 1 or 2, as a plain JSON object. */
const validManifest: fc.Arbitrary<Record<string, unknown>> = fc
  .record({
    formatVersion: fc.constantFrom(1, 2),
    createdBy: fc.string({ maxLength: 20 }),
    dtype: fc.constantFrom(...BUNDLE_WEIGHT_DTYPES),
    imageSize: fc.record({ height: fc.integer({ min: 1, max: 4096 }), width: fc.integer({ min: 1, max: 4096 }) }),
    logitScale: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: undefined }),
    required: fc.tuple(...BUNDLE_GRAPH_NAMES.map(() => graph)),
    optional: fc.tuple(...BUNDLE_OPTIONAL_GRAPH_NAMES.map(() => fc.option(graph, { nil: undefined }))),
    source: fc.array(fileEntry, { maxLength: 3 }),
    config: fileEntry,
    preprocessor: fileEntry,
    tokenizer: fc.array(fileEntry, { minLength: 1, maxLength: 3 }),
    positionEmbeddings: fileEntry,
  })
  .map((m) => {
    const v2 = m.formatVersion === 2;
    const graphs: Record<string, unknown> = Object.fromEntries(BUNDLE_GRAPH_NAMES.map((name, i) => [name, m.required[i]]));
    if (v2) BUNDLE_OPTIONAL_GRAPH_NAMES.forEach((name, i) => m.optional[i] !== undefined && (graphs[name] = m.optional[i]));
    return {
      format: BUNDLE_FORMAT,
      formatVersion: m.formatVersion,
      createdBy: m.createdBy,
      source: { files: m.source },
      dtype: m.dtype,
      imageSize: m.imageSize,
      ...(v2 && m.logitScale !== undefined ? { logitScale: m.logitScale } : {}),
      graphs,
      files: {
        config: m.config,
        preprocessor: m.preprocessor,
        tokenizer: m.tokenizer,
        ...(v2 && graphs.vision_model !== undefined ? { positionEmbeddings: m.positionEmbeddings } : {}),
      },
    };
  });

/** Every file entry of a parsed manifest. */
function allFiles(m: BundleManifest): { path: string; bytes: number; sha256: string }[] {
  const graphs = Object.values(m.graphs).filter((g) => g !== undefined);
  return [...m.source.files, ...graphs, m.files.config, m.files.preprocessor, ...m.files.tokenizer, ...(m.files.positionEmbeddings ? [m.files.positionEmbeddings] : [])];
}

/** Parses `input`; an accepted manifest must name only safe relative paths and survive a JSON round trip. */
function check(input: unknown): void {
  const outcome = typedOutcome(() => parseBundleManifest(input), CODES);
  if (!outcome.ok) return;
  for (const file of allFiles(outcome.value)) {
    expect(() => checkRelativePath(file.path, 'a manifest path')).not.toThrow();
    expect(Number.isSafeInteger(file.bytes) && file.bytes >= 0).toBe(true);
  }
  // Compared as JSON text: JSON has no -0, so a logitScale of -0 comes back as 0.
  expect(JSON.stringify(parseBundleManifest(JSON.stringify(outcome.value)))).toBe(JSON.stringify(outcome.value));
}

describe('bundle manifest fuzzing', () => {
  fuzzIt(
    'valid manifests parse, and round-trip through JSON',
    200,
    fc.property(validManifest, (m) => {
      expect(typedOutcome(() => parseBundleManifest(jsonText(m)), CODES).ok).toBe(true);
      check(m);
    }),
  );
  fuzzIt('arbitrary JSON values and hostile values', 300, fc.property(fc.oneof(fc.jsonValue(), hostileJsonValue), check));
  fuzzIt('arbitrary text', 200, fc.property(fc.string({ unit: 'binary', maxLength: 200 }), check));
  fuzzIt('hostile edits of valid manifests', 200, fc.property(mutatedJson(validManifest), check));
  fuzzIt('byte-level edits of valid manifest text', 100, fc.property(mutatedJsonText(validManifest), check));
});

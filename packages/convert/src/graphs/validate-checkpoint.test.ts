import { clipsegPreset } from '@clipseg/core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLIPSegConfig, isCLIPSegError } from '@clipseg/core';
import { describe, expect, it } from 'vitest';
import { itWithShared, sharedDir } from '@clipseg/core/testing';
import type { CheckpointReader, CheckpointTensorInfo } from '../checkpoint/checkpoint-reader.js';
import { buildGraphs } from './build-graphs.js';
import type { CLIPSegGraphConfig } from './clipseg-graph-config.js';
import { checkGraphConfig } from './clipseg-graph-config.js';
import { ConvertError } from './convert-error.js';
import { expectedParameters } from './expected-parameters.js';
import { inspectCheckpoint, validateCheckpoint } from './validate-checkpoint.js';

const shared = sharedDir();

/** The tiny-refined config (core's preset, written in code: these tests run without ../shared). */
const tiny: CLIPSegGraphConfig = clipsegPreset('tiny');

/** A reader that only lists (validation never reads data). */
function listing(infos: readonly CheckpointTensorInfo[]): CheckpointReader {
  return {
    source: 'test.safetensors',
    list: () => infos,
    readFloat32: () => Promise.reject(new Error('not readable')),
    close: () => Promise.resolve(),
  };
}

function infosOf(config: CLIPSegGraphConfig): CheckpointTensorInfo[] {
  return [...expectedParameters(config)].map(([name, shape]) => ({ name, dtype: 'F32', shape }));
}

function thrown(action: () => unknown): ConvertError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ConvertError);
    return error as ConvertError;
  }
  throw new Error('expected a ConvertError');
}

describe('expectedParameters', () => {
  itWithShared('names exactly the tensors of the golden model.safetensors, with their shapes', () => {
    const bytes = readFileSync(join(shared, 'golden/clipseg-tiny-refined/model.safetensors'));
    const n = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')) as Record<string, { shape: number[] }>;
    delete header.__metadata__;
    const config = JSON.parse(readFileSync(join(shared, 'golden/clipseg-tiny-refined/config.json'), 'utf8')) as CLIPSegGraphConfig;
    const expected = expectedParameters(config);
    expect([...expected.keys()].sort()).toEqual(Object.keys(header).sort());
    for (const [name, shape] of expected) if (name !== 'clip.logit_scale') expect(header[name]!.shape, name).toEqual(shape);
    const infos = Object.entries(header).map(([name, t]) => ({ name, dtype: 'F32' as const, shape: t.shape }));
    expect(inspectCheckpoint(config, listing(infos))).toEqual([]);
    // core's CLIPSegConfig satisfies the structural config type and gives the same parameters.
    const parsed: CLIPSegGraphConfig = CLIPSegConfig.fromJSON(readFileSync(join(shared, 'golden/clipseg-tiny-refined/config.json'), 'utf8'));
    expect([...expectedParameters(parsed)]).toEqual([...expected]);
  });

  it('follows the head type and the number of extract layers', () => {
    const plain = expectedParameters({ ...tiny, use_complex_transposed_convolution: false, extract_layers: [0, 3] });
    expect(plain.get('decoder.transposed_convolution.weight')).toEqual([16, 1, 16, 16]);
    expect(plain.has('decoder.transposed_convolution.0.weight')).toBe(false);
    expect(plain.has('decoder.layers.1.mlp.fc2.bias')).toBe(true);
    expect(plain.has('decoder.layers.2.mlp.fc2.bias')).toBe(false);
    expect(plain.has('decoder.reduces.2.weight')).toBe(false);
  });
});

describe('validateCheckpoint', () => {
  it('accepts a fitting checkpoint, ignores position_ids buffers and a [1]-shaped logit_scale', () => {
    const infos = infosOf(tiny).map((t) => (t.name === 'clip.logit_scale' ? { ...t, shape: [1] } : t));
    infos.push({ name: 'clip.text_model.embeddings.position_ids', dtype: 'I64', shape: [1, 77] });
    infos.push({ name: 'clip.vision_model.embeddings.position_ids', dtype: 'I64', shape: [1, 197] });
    const summary = validateCheckpoint(tiny, listing(infos));
    expect(summary.parameters).toBe(expectedParameters(tiny).size);
    expect(summary.ignored).toHaveLength(2);
  });

  it('reports missing, unexpected and mis-shaped tensors all at once', () => {
    const infos = infosOf(tiny)
      .filter((t) => t.name !== 'decoder.film_add.bias' && t.name !== 'clip.text_projection.weight')
      .map((t) => (t.name === 'decoder.reduces.1.weight' ? { ...t, shape: [16, 47] } : t));
    infos.push({ name: 'decoder.extra.weight', dtype: 'F32', shape: [3] });
    const error = thrown(() => validateCheckpoint(tiny, listing(infos)));
    expect(error.code).toBe('CONVERT_MISSING_TENSORS');
    expect(isCLIPSegError(error, 'CONVERT_MISSING_TENSORS')).toBe(true);
    expect(error.problems.map((p) => [p.code, p.name])).toEqual([
      ['CONVERT_MISSING_TENSORS', 'clip.text_projection.weight'],
      ['CONVERT_MISSING_TENSORS', 'decoder.film_add.bias'],
      ['CONVERT_SHAPE_MISMATCH', 'decoder.reduces.1.weight'],
      ['CONVERT_UNEXPECTED_TENSORS', 'decoder.extra.weight'],
    ]);
    expect(error.message).toMatch(/2 missing tensors:[\s\S]*clip\.text_projection\.weight \[24, 32\]/);
    expect(error.message).toMatch(/decoder\.reduces\.1\.weight is \[16, 47\], expected \[16, 48\]/);
    expect(error.message).toMatch(/1 unexpected tensors:[\s\S]*decoder\.extra\.weight/);
  });

  it('says which config fields the weights contradict', () => {
    const weights = infosOf(tiny);
    const config: CLIPSegGraphConfig = {
      ...tiny,
      extract_layers: [1, 3],
      use_complex_transposed_convolution: false,
      text_config: { ...tiny.text_config, hidden_size: 64 },
      vision_config: { ...tiny.vision_config, num_hidden_layers: 12 },
    };
    const error = thrown(() => validateCheckpoint(config, listing(weights)));
    expect(error.code).toBe('CONVERT_CONFIG_MISMATCH');
    const mismatches = error.problems.filter((p) => p.code === 'CONVERT_CONFIG_MISMATCH');
    expect(mismatches.map((p) => [p.name, p.expected, p.actual])).toEqual([
      ['text_config.hidden_size', '64', '32'],
      ['vision_config.num_hidden_layers', '12', '4'],
      ['extract_layers.length', '2', '3'],
      ['use_complex_transposed_convolution', 'false', 'true'],
    ]);
    expect(error.message).toMatch(/config says text_config\.hidden_size = 64, but the weights imply 32/);
    // The consequences are listed too, and long lists are shortened in the message only.
    expect(error.problems.some((p) => p.code === 'CONVERT_MISSING_TENSORS' && p.name === 'clip.vision_model.encoder.layers.11.mlp.fc1.weight')).toBe(true);
    expect(error.problems.some((p) => p.code === 'CONVERT_UNEXPECTED_TENSORS' && p.name === 'decoder.layers.2.mlp.fc1.weight')).toBe(true);
    expect(error.message).toMatch(/… and \d+ more/);
    expect(error.details).toMatchObject({ source: 'test.safetensors' });
  });

  it('buildGraphs refuses bad configs and options before reading anything', async () => {
    const reader = listing(infosOf(tiny));
    await expect(buildGraphs(tiny, reader, { imageSize: { height: 350, width: 352 } })).rejects.toMatchObject({ code: 'CONVERT_INVALID_OPTIONS' });
    await expect(buildGraphs({ ...tiny, reduce_dim: 15 }, reader)).rejects.toMatchObject({ code: 'CONVERT_INVALID_CONFIG' });
    await expect(buildGraphs({ ...tiny, use_complex_transposed_convolution: false }, reader)).rejects.toMatchObject({ code: 'CONVERT_CONFIG_MISMATCH' });
    const bad = thrown(() =>
      checkGraphConfig({ ...tiny, extract_layers: [1, 4], vision_config: { ...tiny.vision_config, hidden_act: 'tanh', num_attention_heads: 5 } }),
    );
    expect(bad.code).toBe('CONVERT_INVALID_CONFIG');
    expect(bad.message).toMatch(/extract_layers entry 4 is not a vision layer/);
    expect(bad.message).toMatch(/'tanh' is not supported/);
    expect(bad.message).toMatch(/vision hidden size 48 is not divisible by its 5 attention heads/);
  });

  it("checkGraphConfig takes a core CLIPSegConfig as checked: it does not validate the config's fields again", () => {
    const read: string[] = [];
    const config = clipsegPreset('tiny');
    const watched = new Proxy(config, { get: (target, key, receiver) => (read.push(String(key)), Reflect.get(target, key, receiver)) });
    checkGraphConfig(watched);
    expect(read).toEqual([]);
    // A plain copy of the same fields is checked field by field.
    checkGraphConfig({ ...config });
  });
});

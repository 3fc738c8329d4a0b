import { describe, expect, it } from 'vitest';
import { createTensor } from '../tensor/tensor.js';
import { SafetensorsError } from './safetensors-error.js';
import type { RawSafetensor } from './types.js';
import { planSafetensors, safetensorsChunks, writeSafetensors } from './writer.js';

const decoder = new TextDecoder();

function headerOf(file: Uint8Array): { length: number; text: string } {
  const length = Number(new DataView(file.buffer, file.byteOffset).getBigUint64(0, true));
  return { length, text: decoder.decode(file.subarray(8, 8 + length)) };
}

function concat(chunks: Iterable<Uint8Array>): Uint8Array {
  const list = [...chunks];
  const out = new Uint8Array(list.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const c of list) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

describe('writeSafetensors layout', () => {
  it('writes the reference layout for one F32 tensor (header exactly 64 bytes, no padding)', () => {
    const file = writeSafetensors({ 'attn.0': createTensor('float32', [1, 2, 3], [0, 1, 2, 3, 4, 5]) });
    const { length, text } = headerOf(file);
    expect(text).toBe('{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}');
    expect(length).toBe(64);
    expect(file.byteLength).toBe(8 + 64 + 24);
    expect([...file.subarray(72, 80)]).toEqual([0, 0, 0, 0, 0, 0, 128, 63]);
  });

  it('pads the header with spaces to a multiple of 8', () => {
    const file = writeSafetensors({ attn0: createTensor('float32', [1, 1, 2, 3], [0, 1, 2, 3, 4, 5]) });
    const { length, text } = headerOf(file);
    expect(length).toBe(72);
    expect(text).toBe('{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}       ');
  });

  it('writes empty files like the reference: `{}` padded, and metadata first', () => {
    expect([...writeSafetensors({})]).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
    const withMeta = writeSafetensors({}, { framework: 'pt' });
    expect(headerOf(withMeta)).toEqual({ length: 40, text: '{"__metadata__":{"framework":"pt"}}     ' });
  });

  it('orders tensors by dtype alignment (descending) then by name, and sorts metadata keys', () => {
    const raw = (dtype: RawSafetensor['dtype'], n: number): RawSafetensor => ({ dtype, shape: [n], bytes: new Uint8Array(n * (dtype === 'BF16' ? 2 : 8)) });
    const plan = planSafetensors(
      {
        a: createTensor('uint8', [3]),
        b: createTensor('float32', [1]),
        d: createTensor('float32', [2]),
        c: createTensor('int64', [1]),
        e: raw('BF16', 1),
        f: createTensor('bool', [2]),
        g: raw('F64', 1),
        h: raw('U64', 1),
        i: createTensor('float16', [1]),
        j: createTensor('int32', [1]),
      },
      { z: '1', a: '2' },
    );
    expect(plan.entries.map((e) => `${e.name}:${e.dtype}`)).toEqual(['h:U64', 'c:I64', 'g:F64', 'b:F32', 'd:F32', 'j:I32', 'e:BF16', 'i:F16', 'a:U8', 'f:BOOL']);
    let cursor = 0;
    for (const e of plan.entries) {
      expect(e.dataOffsets[0]).toBe(cursor);
      cursor = e.dataOffsets[1];
    }
    expect(decoder.decode(plan.head.subarray(8))).toMatch(/^\{"__metadata__":\{"a":"2","z":"1"\},"h":/);
  });

  it('orders names by code point (UTF-8 bytes), not UTF-16 units', () => {
    const t = createTensor('uint8', [0]);
    const plan = planSafetensors({ '\u{1F408}': t, '\uFF21': t, é: t, b: t });
    expect(plan.entries.map((e) => e.name)).toEqual(['b', 'é', '\uFF21', '\u{1F408}']);
  });

  it('escapes names and metadata as JSON', () => {
    const file = writeSafetensors({ 'we"ird\\name\n': createTensor('uint8', [1], [7]) }, { note: 'tab\there' });
    const header = JSON.parse(headerOf(file).text) as Record<string, unknown>;
    expect(Object.keys(header)).toEqual(['__metadata__', 'we"ird\\name\n']);
    expect(header.__metadata__).toEqual({ note: 'tab\there' });
  });

  it('writes bool tensors as 0/1 bytes', () => {
    const file = writeSafetensors({ m: { type: 'bool', dims: [3], data: Uint8Array.from([0, 5, 1]) } });
    expect([...file.subarray(file.byteLength - 3)]).toEqual([0, 1, 1]);
  });
});

describe('safetensorsChunks', () => {
  const tensors = {
    w: createTensor('float32', [2, 2], [1, 2, 3, 4]),
    ids: createTensor('int64', [3], [1n, 2n, 3n]),
    empty: createTensor('int32', [0]),
  };

  it('yields the head then each non-empty tensor, concatenating to writeSafetensors', () => {
    const chunks = [...safetensorsChunks(tensors, { k: 'v' })];
    expect(chunks).toHaveLength(3);
    expect(concat(chunks)).toEqual(writeSafetensors(tensors, { k: 'v' }));
    // tensor chunks are views of the inputs, not copies
    expect(chunks[1]!.buffer).toBe(tensors.ids.data.buffer);
    expect(chunks[2]!.buffer).toBe(tensors.w.data.buffer);
  });

  it('can be iterated twice', () => {
    const chunks = safetensorsChunks(tensors);
    expect(concat(chunks)).toEqual(concat(chunks));
  });

  it('validates eagerly, before any chunk is produced', () => {
    expect(() => safetensorsChunks({ bad: { type: 'float32', dims: [3], data: new Float32Array(2) } })).toThrow(SafetensorsError);
  });
});

describe('writer input validation', () => {
  const cases: [string, () => unknown][] = [
    ['a reserved name', () => writeSafetensors({ __metadata__: createTensor('uint8', [1]) })],
    ['a lone surrogate in a name', () => writeSafetensors({ 'x\ud800': createTensor('uint8', [1]) })],
    ['data shorter than the shape', () => writeSafetensors({ t: { type: 'float32', dims: [2, 2], data: new Float32Array(3) } })],
    ['the wrong typed array', () => writeSafetensors({ t: { type: 'int32', dims: [1], data: new Float32Array(1) } })],
    ['a negative dimension', () => writeSafetensors({ t: { type: 'uint8', dims: [-1], data: new Uint8Array(0) } })],
    ['an unknown raw dtype', () => writeSafetensors({ t: { dtype: 'F4', shape: [2], bytes: new Uint8Array(1) } as unknown as RawSafetensor })],
    ['raw bytes of the wrong length', () => writeSafetensors({ t: { dtype: 'BF16', shape: [2], bytes: new Uint8Array(3) } })],
    ['a fractional raw dimension', () => writeSafetensors({ t: { dtype: 'U8', shape: [1.5], bytes: new Uint8Array(1) } })],
    ['neither kind of tensor', () => writeSafetensors({ t: { hello: 1 } as unknown as RawSafetensor })],
    ['non-string metadata', () => writeSafetensors({}, { n: 3 } as unknown as Record<string, string>)],
  ];
  it.each(cases)('refuses %s with SAFETENSORS_INPUT_INVALID', (_label, run) => {
    expect(run).toThrow(SafetensorsError);
    try {
      run();
    } catch (error) {
      expect((error as SafetensorsError).code).toBe('SAFETENSORS_INPUT_INVALID');
    }
  });
});

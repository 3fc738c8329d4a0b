import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeWithShared, sharedDir } from '../testing/shared-dir.js';
import { bytesSource } from '../io/byte-source.js';
import { openSafetensors } from './reader.js';
import { writeSafetensors } from './writer.js';

const shared = sharedDir();

function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** Independent parse of a tensor: header JSON by hand, values through a DataView. */
function independent(bytes: Uint8Array, name: string): { dtype: string; shape: number[]; at: (i: number) => number | bigint } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  const entry = header[name]!;
  const base = 8 + n + entry.data_offsets[0];
  const at = (i: number): number | bigint => {
    switch (entry.dtype) {
      case 'F32':
        return view.getFloat32(base + 4 * i, true);
      case 'I64':
        return view.getBigInt64(base + 8 * i, true);
      case 'U8':
        return view.getUint8(base + i);
      default:
        throw new Error(`test helper does not decode ${entry.dtype}`);
    }
  };
  return { dtype: entry.dtype, shape: entry.shape, at };
}

describeWithShared('safetensors golden files', () => {
  const dir = join(shared, 'golden', 'clipseg-tiny-refined');

  it('model.safetensors: lists 174 F32 tensors with the HF names and shapes', async () => {
    const bytes = await readFile(join(dir, 'model.safetensors'));
    const reader = await openSafetensors(bytesSource(bytes));
    expect(reader.metadata).toEqual({ format: 'pt' });
    expect(reader.tensors).toHaveLength(174);
    expect(new Set(reader.tensors.map((t) => t.dtype))).toEqual(new Set(['F32']));
    expect(reader.info('clip.text_model.embeddings.token_embedding.weight').shape).toEqual([49408, 32]);
    expect(reader.info('clip.text_model.embeddings.position_embedding.weight').shape).toEqual([77, 32]);
    expect(reader.info('clip.vision_model.embeddings.position_embedding.weight').shape).toEqual([197, 48]);
    expect(reader.info('clip.visual_projection.weight').shape).toEqual([24, 48]);
    expect(reader.info('clip.text_projection.weight').shape).toEqual([24, 32]);
    expect(reader.names.some((n) => n.endsWith('position_ids'))).toBe(false);
    expect(reader.names.some((n) => n.startsWith('decoder.transposed_convolution.'))).toBe(true);
    const total = reader.tensors.reduce((sum, t) => sum + t.shape.reduce((a, b) => a * b, 1) * 4, 0);
    expect(total).toBe(reader.header.dataLength);
  });

  it('model.safetensors: values agree with an independent decode of the raw bytes', async () => {
    const bytes = await readFile(join(dir, 'model.safetensors'));
    const reader = await openSafetensors(bytesSource(bytes));
    const scale = await reader.read('clip.logit_scale');
    expect(scale.dims).toEqual([1]);
    expect(scale.data[0]).toBe(independent(bytes, 'clip.logit_scale').at(0));
    expect(scale.data[0]).toBeCloseTo(2.6592, 4);
    const name = 'clip.text_model.embeddings.token_embedding.weight';
    const emb = await reader.readFloat32(name);
    const ref = independent(bytes, name);
    for (const i of [0, 1, 31, 32, 777_777, emb.length - 1]) expect(emb[i]).toBe(ref.at(i));
    // N(0, 0.02) weights: the mean is near zero, the std near 0.02
    let sum = 0;
    let squares = 0;
    for (const v of emb) {
      sum += v;
      squares += v * v;
    }
    expect(Math.abs(sum / emb.length)).toBeLessThan(1e-3);
    expect(Math.sqrt(squares / emb.length)).toBeCloseTo(0.02, 3);
  });

  it('model.safetensors: every tensor survives read → write → read', async () => {
    const reader = await openSafetensors(bytesSource(await readFile(join(dir, 'model.safetensors'))));
    const all = await reader.readAll();
    const again = await openSafetensors(bytesSource(writeSafetensors(all, { format: 'pt' })));
    expect(again.names.slice().sort()).toEqual(reader.names.slice().sort());
    for (const name of reader.names) {
      const t = await again.read(name);
      expect(t.dims).toEqual(all[name]!.dims);
      expect(t.data.constructor).toBe(all[name]!.data.constructor);
      expect(sameBytes(t.data, all[name]!.data)).toBe(true);
    }
  });

  it('golden.safetensors: int64 inputs and float32 outputs', async () => {
    const bytes = await readFile(join(dir, 'golden.safetensors'));
    const reader = await openSafetensors(bytesSource(bytes));
    expect(reader.metadata).toEqual({ model: 'clipseg-tiny-refined' });
    const ids = await reader.read('inputs.input_ids');
    expect(ids.type).toBe('int64');
    expect(ids.dims).toEqual([3, 10]);
    for (let row = 0; row < 3; row++) expect(ids.data[row * 10]).toBe(49406n);
    expect([...ids.data].filter((v) => v === 49407n).length).toBeGreaterThanOrEqual(3);
    const logits = await reader.read('a.logits');
    expect(logits.dims).toEqual([3, 352, 352]);
    const ref = independent(bytes, 'a.logits');
    for (const i of [0, 12345, 352 * 352 + 7, logits.data.length - 1]) expect(logits.data[i]).toBe(ref.at(i));
    expect(await reader.read('inputs.attention_mask_77').then((t) => t.dims)).toEqual([3, 77]);
  });

  it('processor goldens: U8 decoded pixels after F32 pixel values', async () => {
    const bytes = await readFile(join(shared, 'golden', 'processor', 'clipseg_example_image.safetensors'));
    const reader = await openSafetensors(bytesSource(bytes));
    expect(reader.metadata).toEqual({ source_image: 'images/clipseg_example_image.jpg' });
    const rgb = await reader.read('decoded_rgb');
    expect(rgb.type).toBe('uint8');
    expect(rgb.dims).toEqual([365, 365, 3]);
    const ref = independent(bytes, 'decoded_rgb');
    for (const i of [0, 1, 2, 1000, rgb.data.length - 1]) expect(rgb.data[i]).toBe(ref.at(i));
    const pixels = await reader.read('pixel_values');
    expect(pixels.dims).toEqual([1, 3, 352, 352]);
  });
});

/**
 * Fuzzing whole `pytorch_model.bin` files (see docs/fuzzing.md): mutated torch.save archives (zip records, pickle,
 * version/byteorder records, storages) open to a reader or a `TORCH_*` error, and so does every tensor read; no
 * read leaves the file and nothing is sized from a claimed size; and what was saved reads back exactly.
 */
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { fuzzIt, mutatedBytes, recordingRandomAccess, typedOutcome, typedOutcomeAsync } from '../../../../fuzz/index.js';
import { f32Bytes, stateDictPickle, writeTorchFile } from '../../test/torch-builders/torch-file-builder.js';
import { openTorchCheckpoint, readTorchCheckpoint } from '../torch/torch-checkpoint-reader.js';

const CODES = 'TORCH_';

/** A checkpoint of 0 to 3 float32 tensors, each with its own storage, as torch.save writes it. */
const checkpoint = fc
  .uniqueArray(
    fc.record({
      name: fc.string({ maxLength: 8 }),
      shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }),
      parameter: fc.boolean(),
      seed: fc.integer(),
    }),
    { maxLength: 3, selector: (t) => t.name },
  )
  .chain((unique) => {
    return fc.tuple(
      fc.constant(unique),
      fc.tuple(...unique.map((s) => fc.array(fc.float({ noNaN: true }), { minLength: s.shape.reduce((a, b) => a * b, 1), maxLength: s.shape.reduce((a, b) => a * b, 1) }))),
      fc.constantFrom<false | true | 'sentinels'>(false, true, 'sentinels'),
      fc.option(fc.constantFrom('little\n', 'big\n', 'little'), { nil: undefined }),
    );
  })
  .map(([specs, values, zip64, byteorder]) => {
    const tensors = specs.map((s, i) => ({ name: s.name, shape: s.shape, parameter: s.parameter, storageKey: String(i), numel: values[i]!.length }));
    const storages = Object.fromEntries(values.map((v, i) => [String(i), f32Bytes(v)]));
    const bytes = writeTorchFile({ pickle: stateDictPickle(tensors), storages, zip: { align: 64, zip64 }, ...(byteorder === undefined ? {} : { byteorder }) });
    return { tensors, values, byteorder, bytes };
  });

/** Opens `bytes` and reads every tensor; all of it must end in a result or a typed error, reading inside the file. */
async function openAndReadAll(bytes: Uint8Array, verifyChecksums: boolean): Promise<void> {
  const { access, log } = recordingRandomAccess(bytes);
  const opened = typedOutcome(() => openTorchCheckpoint(access, { verifyChecksums, maxTensorElements: 1 << 20 }), CODES);
  if (opened.ok) {
    for (const info of opened.value.list()) {
      const values = await typedOutcomeAsync(() => opened.value.readFloat32(info.name), CODES);
      if (values.ok) expect(values.value.length).toBe(info.shape.reduce((a, b) => a * b, 1));
    }
  }
  expect(log.largest).toBeLessThanOrEqual(bytes.length);
}

describe('torch checkpoint fuzzing', () => {
  fuzzIt(
    'torch.save → read gives back every tensor exactly',
    150,
    fc.asyncProperty(checkpoint, async ({ tensors, values, byteorder, bytes }) => {
      const outcome = typedOutcome(() => readTorchCheckpoint(bytes), CODES);
      if (byteorder === 'big\n') {
        expect(!outcome.ok && outcome.error.code).toBe('TORCH_BYTEORDER_UNSUPPORTED');
        return;
      }
      if (!outcome.ok) throw outcome.error;
      expect(outcome.value.list().map((t) => t.name)).toEqual(tensors.map((t) => t.name));
      for (const [i, t] of tensors.entries()) expect([...(await outcome.value.readFloat32(t.name))]).toEqual(values[i]!.map((v) => Math.fround(v)));
    }),
  );
  fuzzIt(
    'bit flips, truncations, splices and huge integers anywhere in a checkpoint',
    600,
    fc.asyncProperty(mutatedBytes(checkpoint.map((c) => c.bytes), 6), fc.boolean(), openAndReadAll),
  );
});

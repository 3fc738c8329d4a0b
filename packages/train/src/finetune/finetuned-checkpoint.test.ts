import { CLIPSeg, clipsegPreset, memoryFileSet } from '@clipseg/core';
import { convertCheckpoint, openCheckpoint } from '@clipseg/convert';
import { rasterImageAdapter, type PromptMask, type RasterImage } from '@clipseg/processor';
import { createNodeBackend } from '@clipseg/runtime-node';
import { describe, expect, it } from 'vitest';
import { tinyCheckpointFiles, tinyTask } from '../../test/tiny-task.js';
import { DecoderEvaluator } from '../training/decoder-evaluator.js';
import { CHECKPOINT_SIDE_FILES, finetunedCheckpointFiles } from './finetuned-checkpoint.js';

const backend = createNodeBackend();

describe('finetunedCheckpointFiles', () => {
  it('writes the source with the trained parameters replaced, and its bundle segments as the training graphs do', async () => {
    const files = tinyCheckpointFiles(3);
    const source = memoryFileSet(files, 'tiny');
    const config = clipsegPreset('tiny');
    const evaluator = await DecoderEvaluator.create(backend, config, { imageSize: { height: 128, width: 128 } });
    const { reader } = await openCheckpoint(source);
    const trained = new Map<string, Float32Array>();
    for (const { name } of evaluator.graph.parameters) trained.set(name, (await reader.readFloat32(name)).map((v, i) => v + 0.01 * Math.sin(i + name.length)));
    const out = await finetunedCheckpointFiles(source, trained);
    for (const name of CHECKPOINT_SIDE_FILES) if (files[name] !== undefined) expect(out.get(name), name).toEqual(files[name]);
    const written = (await openCheckpoint(memoryFileSet(Object.fromEntries(out), 'out'))).reader;
    expect(written.list().map((t) => [t.name, t.shape])).toEqual(reader.list().map((t) => [t.name, t.shape]));
    for (const { name } of reader.list()) {
      const expected = trained.get(name) ?? (await reader.readFloat32(name));
      expect(Array.from(await written.readFloat32(name)), name).toEqual(Array.from(expected));
    }
    // The converted bundle's decoder gives the logits of the forward graph under the trained parameters.
    const bundle = await convertCheckpoint(memoryFileSet(Object.fromEntries(out), 'out'));
    const seg = await CLIPSeg.load<RasterImage, PromptMask>(memoryFileSet(Object.fromEntries(bundle.files), 'b'), backend, { images: rasterImageAdapter });
    const { items, decodeImage } = tinyTask(1, 9);
    const image = await decodeImage(new Uint8Array(), items[0]!.image);
    const handle = await seg.encodeImage(image);
    const result = await seg.segment(handle, ['red square']);
    const embedding = (await seg.embed(['red square'])).data;
    const logits = await evaluator.logits(trained, seg.activations(handle), embedding);
    let worst = 0;
    logits.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - result.logits.data[i]!))));
    expect(worst).toBeLessThan(1e-4);
    // Not the untrained decoder's.
    const before = await evaluator.logits(new Map(await Promise.all(evaluator.graph.parameters.map(async ({ name }) => [name, await reader.readFloat32(name)] as const))), seg.activations(handle), embedding);
    expect(Math.max(...before.map((v, i) => Math.abs(v - logits[i]!)))).toBeGreaterThan(1e-3);
    await Promise.all([seg.dispose(), evaluator.dispose(), reader.close(), written.close()]);
  });

  it('refuses a parameter the source does not have, or of another size', async () => {
    const source = memoryFileSet(tinyCheckpointFiles(0), 'tiny');
    await expect(finetunedCheckpointFiles(source, new Map([['decoder.nope', new Float32Array(1)]]))).rejects.toMatchObject({ code: 'TRAINING_INVALID_INPUT' });
    await expect(finetunedCheckpointFiles(source, new Map([['decoder.film_mul.bias', new Float32Array(1)]]))).rejects.toMatchObject({ code: 'TRAINING_INVALID_INPUT' });
  });
});

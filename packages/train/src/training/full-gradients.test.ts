import type { Backend } from '@clipseg/core';
import { createTensor } from '@clipseg/core';
import type { CLIPSegGraphConfig } from '@clipseg/convert';
import { describe, expect, it } from 'vitest';
import { computeFullGradients } from './full-gradients.js';

/** A backend that must not be reached: the batch is checked before any graph is built or run. */
const backend: Backend = {
  name: 'unreachable',
  createSession: () => Promise.reject(new Error('createSession must not be called')),
} as unknown as Backend;
const config = { vision_config: { num_channels: 3 } } as unknown as CLIPSegGraphConfig;
const readParameter = () => Promise.reject(new Error('readParameter must not be called'));
const ids = (rows: number) => createTensor('int64', [rows, 3], new BigInt64Array(rows * 3));
const pixels = (side: number) => createTensor('float32', [1, 3, side, side], new Float32Array(3 * side * side));

describe('computeFullGradients: typed errors for a batch that does not fit', () => {
  it('needs one row of ids per example', async () => {
    await expect(computeFullGradients(backend, { config, readParameter, inputIds: ids(2), examples: [{ pixelValues: pixels(4), target: new Float32Array(16) }], imageSize: { height: 4, width: 4 } }))
      .rejects.toMatchObject({ code: 'TRAINING_INVALID_INPUT', message: expect.stringContaining('got 1 examples, 1 with text prompts, and ids of shape [2, 3]') });
    await expect(computeFullGradients(backend, { config, readParameter, inputIds: ids(0), examples: [] })).rejects.toMatchObject({ code: 'TRAINING_INVALID_INPUT' });
  });
  it('needs pixel values and a target at the input size', async () => {
    const imageSize = { height: 4, width: 4 };
    await expect(computeFullGradients(backend, { config, readParameter, inputIds: ids(1), examples: [{ pixelValues: pixels(4), target: new Float32Array(15) }], imageSize }))
      .rejects.toMatchObject({ code: 'TRAINING_INVALID_INPUT', details: { example: 0 } });
    await expect(computeFullGradients(backend, { config, readParameter, inputIds: ids(1), examples: [{ pixelValues: pixels(5), target: new Float32Array(16) }], imageSize }))
      .rejects.toMatchObject({ code: 'TRAINING_INVALID_INPUT', message: expect.stringContaining('got [1, 3, 5, 5] and 16') });
  });
});

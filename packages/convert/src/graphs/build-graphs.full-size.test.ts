/**
 * Conversion cost at full size (the CIDAS/clipseg-rd64-refined architecture, ~600 MB of float32 weights) with
 * synthetic weights. Slow and memory-hungry, so it runs only with CLIPSEG_FULL_SIZE=1:
 * `CLIPSEG_FULL_SIZE=1 pnpm vitest run --execArgv=--expose-gc packages/convert/src/graphs/build-graphs.full-size`.
 */
import * as ort from 'onnxruntime-node';
import { clipsegPreset } from '@clipseg/core';
import { describe, expect, it } from 'vitest';
import type { CheckpointReader } from '../checkpoint/checkpoint-reader.js';
import { buildGraphs } from './build-graphs.js';
import type { CLIPSegGraphConfig } from './clipseg-graph-config.js';
import type { WeightDType } from './weight-store.js';
import { expectedParameters } from './expected-parameters.js';

const enabled = process.env.CLIPSEG_FULL_SIZE === '1';
if (!enabled) console.warn('build-graphs.full-size.test: set CLIPSEG_FULL_SIZE=1 to convert a full-size synthetic checkpoint.');

/** The published rd64-refined architecture (core's preset). */
const rd64: CLIPSegGraphConfig = clipsegPreset('rd64-refined');

/** Like a file reader: every read returns a fresh array (small, varied values). */
function syntheticReader(config: CLIPSegGraphConfig): CheckpointReader {
  const shapes = expectedParameters(config);
  return {
    source: 'synthetic rd64',
    list: () => [...shapes].map(([name, shape]) => ({ name, dtype: 'F32' as const, shape })),
    readFloat32: (name) => {
      const size = shapes.get(name)!.reduce((a, b) => a * b, 1);
      const out = new Float32Array(size);
      for (let i = 0; i < size; i++) out[i] = ((i * 2654435761) % 1000) * 2e-5 - 0.01;
      if (name.endsWith('norm1.weight') || name.endsWith('norm2.weight') || name.includes('layernorm.weight') || name.includes('layrnorm.weight') || name.includes('final_layer_norm.weight')) out.fill(1);
      return Promise.resolve(out);
    },
    close: () => Promise.resolve(),
  };
}

describe.skipIf(!enabled)('full-size conversion (rd64 architecture, synthetic weights)', () => {
  it.each<WeightDType>(['fp32', 'fp16'])('converts (%s) in well under 60 s and under 2× the checkpoint size of extra memory, and the graphs run', async (dtype) => {
    const weightBytes = [...expectedParameters(rd64).values()].reduce((a, s) => a + 4 * s.reduce((x, y) => x * y, 1), 0);
    // Buffers (weights, outputs) and the JS heap; run with --expose-gc for a clean baseline between cases.
    const used = (): number => {
      const m = process.memoryUsage();
      return m.arrayBuffers + m.heapUsed;
    };
    for (let i = 0; i < 3; i++) {
      globalThis.gc?.();
      await new Promise((resolve) => setTimeout(resolve, 50)); // lets finalizers of released buffers run
    }
    const before = used();
    let peak = 0;
    const sample = (): void => {
      peak = Math.max(peak, used() - before);
    };
    const timer = setInterval(sample, 20);
    const start = performance.now();
    const built = await buildGraphs(rd64, syntheticReader(rd64), { dtype, onProgress: sample });
    const seconds = (performance.now() - start) / 1000;
    clearInterval(timer);
    sample();
    const total = Object.values(built.graphs).reduce((a, g) => a + g.length, 0);
    console.info(
      `full size (${dtype}): ${(weightBytes / 1e6).toFixed(0)} MB of weights → ${(total / 1e6).toFixed(0)} MB of graphs in ${seconds.toFixed(1)} s; ` +
        `peak memory growth ${(peak / 1e6).toFixed(0)} MB (${(peak / weightBytes).toFixed(2)}× the weights)`,
    );
    expect(seconds).toBeLessThan(60);
    expect(peak).toBeLessThan(2 * weightBytes);

    const ids = new ort.Tensor('int64', BigInt64Array.from([49406n, 320n, 2368n, 49407n]), [1, 4]);
    const text = await ort.InferenceSession.create(built.graphs.text_encoder);
    expect((await text.run({ input_ids: ids })).text_embeds!.dims).toEqual([1, 512]);
    await text.release();
    const vision = await ort.InferenceSession.create(built.graphs.vision_encoder);
    const acts = await vision.run({ pixel_values: new ort.Tensor('float32', new Float32Array(3 * 352 * 352), [1, 3, 352, 352]) });
    await vision.release();
    const decoder = await ort.InferenceSession.create(built.graphs.decoder);
    const logits = await decoder.run({ ...acts, conditional_embeddings: new ort.Tensor('float32', new Float32Array(2 * 512), [2, 512]) });
    expect(logits.logits!.dims).toEqual([2, 352, 352]);
    await decoder.release();
  }, 300_000);
});

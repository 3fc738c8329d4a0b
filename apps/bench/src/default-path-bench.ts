// Times the four default graphs of a full-size bundle (random rd64-refined checkpoint, the real architecture,
// ~600 MB) on onnxruntime-node CPU, so a change to the converter can be checked for cost on the default
// segmentation path. With --optional it also converts with every optional graph (format 2), checks that the four
// default graphs are byte-identical to the default conversion, and times the optional graphs.
//
//   pnpm --filter @clipseg/bench bench:default-path [--runs 10] [--optional] [--pipeline]
import { parseArgs } from 'node:util';
import { CLIPSeg, bytesSource, createTensor, loadTokenizer, memoryFileSet, openSafetensors, sha256Hex, type Session, type Tensor } from '@clipseg/core';
import { interpolatePositionEmbeddings } from '@clipseg/core/hf';
import * as convert from '@clipseg/convert';
import { createRasterImage, rasterImageAdapter } from '@clipseg/processor';
import { createNodeBackend } from '@clipseg/runtime-node';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '10' }, optional: { type: 'boolean', default: false }, pipeline: { type: 'boolean', default: false } },
});
const RUNS = Number(values.runs);
const PROMPTS = ['a cat', 'something to fill', 'a glass of water on a wooden table'];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Wall time and process CPU time (all threads) per run; CPU time is the steadier figure on a shared machine. */
async function time(session: Session, feeds: Record<string, Tensor>, fetches?: string[]): Promise<{ medianMs: number; minMs: number; medianCpuMs: number }> {
  for (let i = 0; i < 2; i++) await session.run(feeds, fetches);
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    await session.run(feeds, fetches);
    times.push(performance.now() - t);
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / 1000);
  }
  return { medianMs: Number(median(times).toFixed(1)), minMs: Number(Math.min(...times).toFixed(1)), medianCpuMs: Number(median(cpu).toFixed(1)) };
}

const checkpoint = memoryFileSet(convert.randomCheckpointFiles(convert.initRandomCheckpoint('rd64-refined', { seed: 0 })), 'random-rd64-refined');

type ConvertOptions = Parameters<typeof convert.convertCheckpoint>[1];
async function convertTimed(options: ConvertOptions): Promise<{ files: ReadonlyMap<string, Uint8Array>; seconds: number }> {
  const t = performance.now();
  const bundle = await convert.convertCheckpoint(checkpoint, options);
  return { files: bundle.files, seconds: (performance.now() - t) / 1000 };
}

const base = await convertTimed({});
const graphHashes = Object.fromEntries(['text_encoder', 'vision_encoder', 'image_projector', 'decoder'].map((g) => [g, sha256Hex(base.files.get(`${g}.onnx`)!)]));
const backend = createNodeBackend();
const session = (files: ReadonlyMap<string, Uint8Array>, graph: string) => backend.createSession(files.get(`${graph}.onnx`)!);

const tokenizer = await loadTokenizer(memoryFileSet(Object.fromEntries(base.files)));
const ids = tokenizer.call(PROMPTS, { padding: 'longest' }).inputIds;
const width = ids[0]!.length;
const inputIds = createTensor('int64', [ids.length, width], BigInt64Array.from(ids.flat(), (v) => BigInt(v)));
const pixels = createTensor('float32', [1, 3, 352, 352], Float32Array.from({ length: 3 * 352 * 352 }, (_, i) => Math.sin(i * 0.001) * 1.5));

const text = await session(base.files, 'text_encoder');
const vision = await session(base.files, 'vision_encoder');
const projector = await session(base.files, 'image_projector');
const decoder = await session(base.files, 'decoder');
const activations = await vision.run({ pixel_values: pixels });
const embeds = (await text.run({ input_ids: inputIds })).text_embeds!;
const timings: Record<string, unknown> = {
  text_encoder: await time(text, { input_ids: inputIds }),
  vision_encoder: await time(vision, { pixel_values: pixels }),
  image_projector: await time(projector, { hidden_state: activations.activation_2! }),
  decoder: await time(decoder, { ...activations, conditional_embeddings: embeds }),
};
const report: Record<string, unknown> = {
  node: process.version,
  runs: RUNS,
  defaultConvertSeconds: Number(base.seconds.toFixed(2)),
  defaultBundleMb: Number(([...base.files.values()].reduce((n, b) => n + b.byteLength, 0) / 1e6).toFixed(1)),
  manifestFormatVersion: (JSON.parse(new TextDecoder().decode(base.files.get('manifest.json'))) as { formatVersion: number }).formatVersion,
  graphSha256: graphHashes,
  defaultGraphsMs: timings,
};

if (values.optional || values.pipeline) {
  const full = await convertTimed({ optionalGraphs: ['text_model', 'vision_model', 'decoder_hidden_states'] });
  report.fullConvertSeconds = Number(full.seconds.toFixed(2));
  report.fullBundleMb = Number(([...full.files.values()].reduce((n, b) => n + b.byteLength, 0) / 1e6).toFixed(1));
  report.defaultGraphsIdentical = Object.entries(graphHashes).every(([g, h]) => sha256Hex(full.files.get(`${g}.onnx`)!) === h);
  const optionalMs: Record<string, unknown> = {};
  if (full.files.has('text_model.onnx')) {
    const mask = createTensor('int64', inputIds.dims, BigInt64Array.from(ids.flat(), () => 1n));
    optionalMs.text_model = await time(await session(full.files, 'text_model'), { input_ids: inputIds, attention_mask: mask });
  }
  if (full.files.has('vision_model.onnx')) {
    const reader = await openSafetensors(bytesSource(full.files.get('vision_position_embedding.safetensors')!));
    const table = (await reader.read('position_embedding')).data as Float32Array;
    const positions = createTensor('float32', [1, 485, 768], interpolatePositionEmbeddings(table, 14, 22, 22));
    optionalMs.vision_model = await time(await session(full.files, 'vision_model'), { pixel_values: pixels, position_embeddings: positions }, ['last_hidden_state', 'pooler_output', 'image_embeds']);
  }
  if (full.files.has('decoder_hidden_states.onnx')) {
    optionalMs.decoder_hidden_states = await time(await session(full.files, 'decoder_hidden_states'), { ...activations, conditional_embeddings: embeds });
  }
  report.optionalGraphsMs = optionalMs;
  if (values.pipeline) {
    const photo = createRasterImage(500, 333, 3, Uint8Array.from({ length: 500 * 333 * 3 }, (_, i) => (i * 7919) % 251));
    const load = async (files: ReadonlyMap<string, Uint8Array>) => {
      const t = performance.now();
      const seg = await CLIPSeg.load(memoryFileSet(Object.fromEntries(files)), backend, { images: rasterImageAdapter, textCacheSize: 0 });
      return { seg, loadMs: performance.now() - t };
    };
    const a = await load(base.files);
    const b = await load(full.files);
    const times: [number[], number[]] = [[], []];
    for (let i = 0; i < RUNS + 2; i++) {
      for (const [k, { seg }] of [a, b].entries()) {
        const t = performance.now();
        await seg.segmentImage(photo, PROMPTS);
        if (i >= 2) times[k]!.push(performance.now() - t);
      }
    }
    report.pipelineSegmentImageMs = {
      defaultBundle: { loadMs: Number(a.loadMs.toFixed(0)), medianMs: Number(median(times[0]).toFixed(1)) },
      bundleWithOptionalGraphs: { loadMs: Number(b.loadMs.toFixed(0)), medianMs: Number(median(times[1]).toFixed(1)) },
    };
    await a.seg.dispose();
    await b.seg.dispose();
  }
}
console.log(JSON.stringify(report, null, 2));

// How far int8 weights (`clipseg convert --dtype int8`), and fp16 storage, move CLIPSeg's outputs from fp32, on a
// full-size model:
// logits error and correlation, and agreement of the masks at the image's size, for every image in
// ../shared/images (or a drawn scene) × the benchmark prompts. Random weights (init-random) have the real
// architecture and cost but not a trained model's logit scale, so the masks are judged two ways: at the 0.5
// threshold (sigmoid(x) > 0.5, i.e. x > 0 — near a random model's median logit, the hardest case), and as each
// prompt's top 10 % of pixels (a trained model's confident foreground is a minority of the image).
//
//   pnpm --filter @clipseg/bench bench:accuracy [--work DIR] [--json FILE]
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { logitsToMasks } from '@clipseg/processor';
import { decodeImage, loadCLIPSeg } from '@clipseg/runtime-node';
import { prepare, sharedDir, type BenchInputs } from './bench-setup.js';
import { BENCH_PROMPTS } from './bench-stats.js';

const { values } = parseArgs({ options: { preset: { type: 'string', default: 'rd64-refined' }, work: { type: 'string' }, json: { type: 'string' } } });

/** Agreement of two float maps of the same size. */
interface Agreement {
  maxAbs: number;
  meanAbs: number;
  /** RMS of the difference over the fp32 values' standard deviation. */
  relativeRms: number;
  correlation: number;
  iouAtHalf: number;
  iouTop10: number;
}

function quantileOf(data: Float32Array, q: number): number {
  const sorted = Float32Array.from(data).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function iou(a: Float32Array, ta: number, b: Float32Array, tb: number): number {
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]! > ta;
    const y = b[i]! > tb;
    if (x && y) inter += 1;
    if (x || y) union += 1;
  }
  return union === 0 ? 1 : inter / union;
}

function agreement(test: Float32Array, ref: Float32Array): Agreement {
  let maxAbs = 0, sumAbs = 0, sq = 0, sa = 0, sb = 0, sab = 0, saa = 0, sbb = 0;
  const n = ref.length;
  for (let i = 0; i < n; i++) {
    const a = test[i]!, b = ref[i]!, d = a - b;
    maxAbs = Math.max(maxAbs, Math.abs(d));
    sumAbs += Math.abs(d);
    sq += d * d;
    sa += a; sb += b; sab += a * b; saa += a * a; sbb += b * b;
  }
  const varRef = sbb / n - (sb / n) ** 2;
  const correlation = (sab - (sa * sb) / n) / Math.sqrt((saa - (sa * sa) / n) * (sbb - (sb * sb) / n));
  return {
    maxAbs,
    meanAbs: sumAbs / n,
    relativeRms: Math.sqrt(sq / n / varRef),
    correlation,
    iouAtHalf: iou(test, 0, ref, 0),
    iouTop10: iou(test, quantileOf(test, 0.9), ref, quantileOf(ref, 0.9)),
  };
}

const summarise = (rows: readonly Agreement[], key: keyof Agreement) => {
  const v = rows.map((r) => r[key]).sort((a, b) => a - b);
  const r = (x: number) => Number(x.toPrecision(4));
  return { min: r(v[0]!), median: r(v[Math.floor(v.length / 2)]!), max: r(v.at(-1)!) };
};

const work = values.work ?? mkdtempSync(join(tmpdir(), 'clipseg-bench-int8-'));
try {
  const fp32 = await prepare(work, values.preset!, 'fp32');
  const report: Record<string, unknown> = {};
  for (const dtype of ['int8', 'fp16'] as const) report[dtype] = await compare(fp32, await prepare(work, values.preset!, dtype), dtype);
  if (values.json) writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
} finally {
  if (!values.work) rmSync(work, { recursive: true, force: true });
}

async function compare(fp32: BenchInputs, other: BenchInputs, dtype: string): Promise<unknown> {
  const shared = sharedDir();
  const images = shared ? readdirSync(join(shared, 'images')).filter((f) => /\.(png|jpe?g)$/i.test(f)).map((f) => join(shared, 'images', f)) : [fp32.image];
  const options = { sessionOptions: { intraOpNumThreads: 2 } };
  const [a, b] = [await loadCLIPSeg(fp32.bundle, options), await loadCLIPSeg(other.bundle, options)];
  const logitRows: Agreement[] = [];
  const maskRows: Agreement[] = [];
  const embedRows: Agreement[] = [];
  for (const file of images) {
    const image = await decodeImage(file);
    const [ra, rb] = [await a.segmentImage(image, BENCH_PROMPTS), await b.segmentImage(image, BENCH_PROMPTS)];
    // The text tower sees the same prompts for every image: one row is enough.
    if (embedRows.length === 0) embedRows.push(agreement(rb.conditionalEmbeddings.data, ra.conditionalEmbeddings.data));
    const [ma, mb] = [logitsToMasks(ra.logits, { size: ra.imageSize, sigmoid: false }), logitsToMasks(rb.logits, { size: rb.imageSize, sigmoid: false })];
    for (let p = 0; p < BENCH_PROMPTS.length; p++) {
      logitRows.push(agreement(rb.logitsFor(p), ra.logitsFor(p)));
      maskRows.push(agreement(mb[p]!.data, ma[p]!.data));
    }
  }
  await Promise.all([a.dispose(), b.dispose()]);
  const keys = ['maxAbs', 'meanAbs', 'relativeRms', 'correlation', 'iouAtHalf', 'iouTop10'] as const;
  const table = (rows: Agreement[], only: readonly (typeof keys)[number][] = keys) => Object.fromEntries(only.map((k) => [k, summarise(rows, k)]));
  const result = {
    dtype,
    preset: values.preset,
    images: images.map((f) => f.split('/').at(-1)),
    prompts: BENCH_PROMPTS.length,
    textEmbeddings: table(embedRows, ['maxAbs', 'meanAbs', 'relativeRms', 'correlation']),
    logits352: table(logitRows),
    logitsAtImageSize: table(maskRows),
  };
  console.log(`${dtype} vs fp32, ${values.preset}, ${images.length} images × ${BENCH_PROMPTS.length} prompts (min / median / max over ${logitRows.length} maps):`);
  for (const [name, t] of [['conditional embeddings', result.textEmbeddings], ['logits 352×352', result.logits352], ['logits at the image size', result.logitsAtImageSize]] as const) {
    console.log(`  ${name}:`);
    for (const k of keys) if (t[k]) console.log(`    ${k.padEnd(12)} ${t[k].min} / ${t[k].median} / ${t[k].max}`);
  }
  return result;
}

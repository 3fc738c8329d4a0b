// Pools the child processes' timings, computes the ratios against transformers.js and the floor, checks the
// targets of issue #9, and prints the table.
import { formatStats, PROMPT_COUNTS, stats, type Stats, type WorkloadResult } from './bench-stats.js';
import type { MatmulThroughput } from './matmul-floor.js';
import type { ModelFlops } from './model-flops.js';

/** One side's pooled results over all rounds. */
export interface SideSummary {
  readonly library: string;
  readonly load: Stats;
  readonly encode?: Stats;
  readonly newPrompt?: Stats;
  readonly newPromptParts?: { readonly text: Stats; readonly decoder: Stats; readonly masks: Stats };
  readonly e2e: Record<string, Stats>;
  /** Peak RSS of each round's process, MB. */
  readonly peakRssMb: number[];
  /** CPU cores other processes used during each round (0 = the machine was otherwise idle). */
  readonly foreignLoad: (number | undefined)[];
  /** Timed runs dropped and repeated in each round because other processes used the CPU meanwhile. */
  readonly discardedRuns: number[];
  readonly probe: WorkloadResult['probe'];
}

/** The floor arithmetic. */
export interface Floor {
  readonly flops: ModelFlops;
  readonly matmul: readonly MatmulThroughput[];
  /** Image encode at the measured MatMul throughput of each shape, ms. */
  readonly imageEncodeMs: number;
  /** Image encode at the issue's 210 GFLOP/s, ms. */
  readonly imageEncodeMsAt210: number;
  /** One prompt (text + decoder) at the best measured throughput, ms. */
  readonly promptMs: number;
}

/** A target and whether this run met it. */
export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean | undefined;
}

const withoutSamples = (s: Stats | undefined): Stats | undefined => (s ? { ...s, samples: [] } : undefined);

/** Pools the rounds of one side. */
export function poolSide(rounds: readonly WorkloadResult[]): SideSummary {
  const pool = (pick: (r: WorkloadResult) => Stats | undefined): Stats | undefined => {
    const samples = rounds.flatMap((r) => pick(r)?.samples ?? []);
    return samples.length > 0 ? stats(samples) : undefined;
  };
  const e2e: Record<string, Stats> = {};
  for (const k of PROMPT_COUNTS) e2e[k] = pool((r) => r.e2e[k])!;
  const encode = pool((r) => r.encode);
  const newPrompt = pool((r) => r.newPrompt);
  const part = (name: 'text' | 'decoder' | 'masks') => pool((r) => r.newPromptParts?.[name]);
  const [text, decoder, masks] = [part('text'), part('decoder'), part('masks')];
  return {
    library: rounds[0]!.library,
    load: stats(rounds.map((r) => r.loadMs)),
    ...(encode ? { encode } : {}),
    ...(newPrompt ? { newPrompt } : {}),
    ...(text && decoder && masks ? { newPromptParts: { text, decoder, masks } } : {}),
    e2e,
    peakRssMb: rounds.map((r) => r.peakRssMb),
    foreignLoad: rounds.map((r) => r.foreignLoad),
    discardedRuns: rounds.map((r) => r.discardedRuns ?? 0),
    probe: rounds[0]!.probe,
  };
}

/**
 * Computes the floor from the FLOP counts and the measured MatMul throughputs: `matmul[0]` a chain of D×D
 * projections (used for the q/k/v/out projections, the attention products and the patch embedding), `matmul[1]` a
 * chain of D→I→D MLPs.
 */
export function floorOf(flops: ModelFlops, matmul: readonly MatmulThroughput[], config: { hidden: number; intermediate: number; layers: number }): Floor {
  const [proj, mlp] = matmul;
  const T = flops.imageTokens;
  const D = config.hidden;
  const I = config.intermediate;
  const per = (f: number, m: MatmulThroughput | undefined) => f / ((m?.gflops ?? 1) * 1e6);
  const layerFlops = 8 * T * D * D + 4 * T * T * D + 4 * T * D * I;
  const layer = per(8 * T * D * D + 4 * T * T * D, proj) + per(4 * T * D * I, mlp);
  const patch = flops.imageEncode - config.layers * layerFlops;
  const best = Math.max(...matmul.map((m) => m.gflops));
  const round = (v: number) => Math.round(v * 10) / 10;
  return {
    flops,
    matmul,
    imageEncodeMs: round(config.layers * layer + per(patch, proj)),
    imageEncodeMsAt210: round(flops.imageEncode / 210e6),
    promptMs: round((flops.textPerPrompt + flops.decoderPerPrompt) / (best * 1e6)),
  };
}

const ratio = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined && b > 0 ? Math.round((a / b) * 100) / 100 : undefined);
const show = (r: number | undefined, suffix = '×') => (r === undefined ? '—' : `${r.toFixed(2)}${suffix}`);

/** The targets of issue #9 against this run. */
export function checkTargets(ours: SideSummary, tjs: SideSummary | undefined, floor: Floor): TargetCheck[] {
  const np = ours.newPrompt?.median;
  const tjs1 = tjs?.e2e[1]?.median;
  const checks: TargetCheck[] = [];
  checks.push({ target: 'new prompt on an encoded image ≤ 25 ms', measured: `${np?.toFixed(1)} ms`, met: np === undefined ? undefined : np <= 25 });
  const npRatio = ratio(tjs1, np);
  checks.push({ target: 'new prompt ≥ 20× faster than a transformers.js call (K = 1)', measured: show(npRatio), met: npRatio === undefined ? undefined : npRatio >= 20 });
  const r16 = ratio(tjs?.e2e[16]?.median, ours.e2e[16]?.median);
  checks.push({ target: '1 image × 16 prompts end to end ≥ 1.2× faster than transformers.js', measured: show(r16), met: r16 === undefined ? undefined : r16 >= 1.2 });
  const r1 = ratio(tjs1, ours.e2e[1]?.median);
  checks.push({ target: '1 image × 1 prompt end to end ≥ 1.15× faster than transformers.js', measured: show(r1), met: r1 === undefined ? undefined : r1 >= 1.15 });
  const enc = ratio(ours.encode?.median, floor.imageEncodeMsAt210);
  checks.push({
    target: `image encode ≤ 1.15× the floor (${floor.imageEncodeMsAt210} ms: ${(floor.flops.imageEncode / 1e9).toFixed(1)} GFLOP at 210 GFLOP/s)`,
    measured: `${show(enc)} (${show(ratio(ours.encode?.median, floor.imageEncodeMs))} of ${floor.imageEncodeMs} ms, the floor at the MatMul throughput measured in this run)`,
    met: enc === undefined ? undefined : enc <= 1.15,
  });
  const rssOurs = Math.max(...ours.peakRssMb);
  const rssTjs = tjs ? Math.max(...tjs.peakRssMb) : undefined;
  checks.push({ target: 'peak RSS no higher than transformers.js', measured: `${rssOurs} MB vs ${rssTjs ?? '—'} MB`, met: rssTjs === undefined ? undefined : rssOurs <= rssTjs });
  checks.push({ target: 'browser (WASM, 2 threads) within 2× of runtime-node', measured: 'see bench:browser', met: undefined });
  return checks;
}

/** Prints the comparison table, the floor and the targets. */
export function printReport(ours: SideSummary, tjs: SideSummary | undefined, floor: Floor, checks: readonly TargetCheck[]): void {
  const rows: [string, Stats | undefined, Stats | undefined, number | undefined][] = [
    ['load (bundle / folder → ready)', ours.load, tjs?.load, ratio(tjs?.load.median, ours.load.median)],
    ['image encode (preprocess + vision)', ours.encode, undefined, undefined],
    ['new prompt on an encoded image', ours.newPrompt, tjs?.e2e[1], ratio(tjs?.e2e[1]?.median, ours.newPrompt?.median)],
    ['  of which tokenizer + text tower', ours.newPromptParts?.text, undefined, undefined],
    ['  of which decoder', ours.newPromptParts?.decoder, undefined, undefined],
    ['  of which masks at the image size', ours.newPromptParts?.masks, undefined, undefined],
    ...PROMPT_COUNTS.map((k): [string, Stats | undefined, Stats | undefined, number | undefined] => [
      `1 image × ${k} prompt${k > 1 ? 's' : ''}, file → masks`,
      ours.e2e[k],
      tjs?.e2e[k],
      ratio(tjs?.e2e[k]?.median, ours.e2e[k]?.median),
    ]),
  ];
  const col = (s: string, w: number) => s.padEnd(w);
  console.log(`\n${col('ms, median [min–max]', 38)}${col('@clipseg/runtime-node', 26)}${col('transformers.js', 26)}speed-up`);
  for (const [name, a, b, r] of rows) console.log(`${col(name, 38)}${col(formatStats(a), 26)}${col(formatStats(b), 26)}${show(r)}`);
  const rss = (s: SideSummary | undefined) => (s ? `${Math.max(...s.peakRssMb)} MB` : '—');
  console.log(`${col('peak RSS (max over rounds)', 38)}${col(rss(ours), 26)}${col(rss(tjs), 26)}${show(ratio(tjs ? Math.max(...tjs.peakRssMb) : undefined, Math.max(...ours.peakRssMb)))}`);
  console.log(`(transformers.js has no encoded-image state: its "new prompt" is a whole call with K = 1.)`);
  const fmt = (v: number | undefined) => (v === undefined ? '?' : v.toFixed(2));
  console.log(`other processes' CPU during the rounds, cores: ours ${ours.foreignLoad.map(fmt).join(', ')}; transformers.js ${tjs?.foreignLoad.map(fmt).join(', ') ?? '—'}`);
  console.log(`timed runs dropped (other processes used the CPU meanwhile) and repeated: ours ${ours.discardedRuns.join(', ')}; transformers.js ${tjs?.discardedRuns.join(', ') ?? '—'}`);
  console.log(`logits probe (K = 1, mean/std): ours ${ours.probe.mean}/${ours.probe.std}, transformers.js ${tjs ? `${tjs.probe.mean}/${tjs.probe.std}` : '—'}`);

  const f = floor.flops;
  console.log(`\nfloor: image encode ${(f.imageEncode / 1e9).toFixed(1)} GFLOP, per prompt ${((f.textPerPrompt + f.decoderPerPrompt) / 1e9).toFixed(2)} GFLOP (text ${(f.textPerPrompt / 1e9).toFixed(2)} at ${f.textTokens} tokens + decoder ${(f.decoderPerPrompt / 1e9).toFixed(2)}), decoder per image ${(f.decoderShared / 1e9).toFixed(2)}`);
  for (const m of floor.matmul) console.log(`  MatMul chain ${m.shape[0]} rows × ${m.shape.slice(1).join('→')}: ${m.gflops} GFLOP/s at the fastest run (${formatStats(withoutSamples(m.time))} ms per run)`);
  console.log(`  image encode floor ${floor.imageEncodeMs} ms at these throughputs (${floor.imageEncodeMsAt210} ms at 210 GFLOP/s); one prompt ≥ ${floor.promptMs} ms`);
  console.log('\ntargets (2 cores, fp32, full size):');
  for (const c of checks) console.log(`  ${c.met === undefined ? '  —   ' : c.met ? '  met ' : 'MISSED'}  ${c.target}: ${c.measured}`);
}

/** Prints ours with default session settings against ours with `config` (before / after for a settings change). */
export function printVariant(base: SideSummary, variant: SideSummary, config: string): void {
  const rows: [string, Stats | undefined, Stats | undefined][] = [
    ['load', base.load, variant.load],
    ['image encode', base.encode, variant.encode],
    ['new prompt on an encoded image', base.newPrompt, variant.newPrompt],
    ['  of which tokenizer + text tower', base.newPromptParts?.text, variant.newPromptParts?.text],
    ['  of which decoder', base.newPromptParts?.decoder, variant.newPromptParts?.decoder],
    ...PROMPT_COUNTS.map((k): [string, Stats | undefined, Stats | undefined] => [`1 image × ${k}, file → masks`, base.e2e[k], variant.e2e[k]]),
  ];
  console.log(`\nsession config ${config}: default → variant`);
  for (const [name, a, b] of rows) console.log(`${name.padEnd(38)}${formatStats(a).padEnd(26)}${formatStats(b).padEnd(26)}${show(ratio(a?.median, b?.median))}`);
  console.log(`${'peak RSS'.padEnd(38)}${`${Math.max(...base.peakRssMb)} MB`.padEnd(26)}${`${Math.max(...variant.peakRssMb)} MB`}`);
  console.log(`other processes' CPU, cores: default ${base.foreignLoad.join(', ')}; variant ${variant.foreignLoad.join(', ')}`);
}

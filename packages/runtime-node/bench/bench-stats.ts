// Timing helpers shared by the inference benchmarks: warm-up, repeated runs, median and spread.

/** Median, quartiles and extremes of a set of timings, in milliseconds. */
export interface Stats {
  readonly n: number;
  readonly median: number;
  readonly p25: number;
  readonly p75: number;
  readonly min: number;
  readonly max: number;
  /** The timings themselves, in run order (so that runs from several processes can be pooled). */
  readonly samples: number[];
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

/** Summarises `samples` (milliseconds). */
export function stats(samples: readonly number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 100) / 100;
  return {
    n: s.length,
    median: round(quantile(s, 0.5)),
    p25: round(quantile(s, 0.25)),
    p75: round(quantile(s, 0.75)),
    min: round(s[0] ?? Number.NaN),
    max: round(s.at(-1) ?? Number.NaN),
    samples: samples.map(round),
  };
}

/** Runs `fn` `warmup` times untimed, then `runs` times timed; returns each timed run in milliseconds. */
export async function timeRuns(fn: (iteration: number) => Promise<unknown>, warmup: number, runs: number): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn(-1 - i);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn(i);
    times.push(performance.now() - t);
  }
  return times;
}

/** Milliseconds `fn` took once. */
export async function timeOnce(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

/** Peak resident set size of this process so far, in MB. */
export function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/** `median ms [min–max]`. */
export function formatStats(s: Stats | undefined): string {
  if (!s) return '—';
  return `${s.median.toFixed(1)} [${s.min.toFixed(1)}–${s.max.toFixed(1)}]`;
}

/** The prompts of the benchmark: short CLIP prompts of 6–9 tokens with the specials. */
export const BENCH_PROMPTS: readonly string[] = [
  'a photo of a red ball',
  'the house on the hill',
  'a glass of water',
  'something to fill',
  'a wooden table',
  'the blue sky',
  'a small dog on grass',
  'the road',
  'a tree with green leaves',
  'a window of the house',
  'a person walking',
  'the shadow on the wall',
  'a white cloud',
  'a metal fence',
  'the roof tiles',
  'a cup of coffee',
];

/** The prompt timed as "a new prompt on an encoded image" (8 tokens with the specials). */
export const NEW_PROMPT = 'a photo of a red ball';

/** Prompt counts of the end-to-end runs. */
export const PROMPT_COUNTS = [1, 4, 16] as const;

/** What one run of this workload measured. */
export interface WorkloadResult {
  readonly library: string;
  readonly loadMs: number;
  readonly encode?: Stats;
  readonly newPrompt?: Stats;
  readonly e2e: Record<string, Stats>;
  readonly peakRssMb: number;
  readonly foreignLoad: number | undefined;
  /** Mean and standard deviation of the first prompt's logits (K = 1), to check both libraries compute the same. */
  readonly probe: { readonly mean: number; readonly std: number };
}

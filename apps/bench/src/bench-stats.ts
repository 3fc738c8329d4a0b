// Timing helpers shared by the inference benchmarks (Node and the browser page): warm-up, repeated runs, median
// and spread. No Node APIs at module level.

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

/** Decides, around each timed run, whether to keep it (see `cleanRunGuard` in cpu-load.ts). */
export interface RunGuard {
  /** Called just before a timed run. */
  begin(): void;
  /** Called just after it: false drops the run and repeats it. */
  keep(): boolean;
}

/**
 * Runs `fn` `warmup` times untimed, then `runs` timed runs; returns them in milliseconds. With a `guard`, a run it
 * does not keep is repeated, up to 3 × `runs` extra attempts (after that every run is kept).
 */
export async function timeRuns(fn: (iteration: number) => Promise<unknown>, warmup: number, runs: number, guard?: RunGuard): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn(-1 - i);
  const times: number[] = [];
  let spare = guard ? 3 * runs : 0;
  for (let i = 0; times.length < runs; i++) {
    guard?.begin();
    const t = performance.now();
    await fn(i);
    const ms = performance.now() - t;
    if (spare > 0 && guard && !guard.keep()) {
      spare -= 1;
      continue;
    }
    times.push(ms);
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
  /** A new prompt's parts: tokenizer + text tower, decoder alone, masks alone. */
  readonly newPromptParts?: { readonly text: Stats; readonly decoder: Stats; readonly masks: Stats };
  /** The decoder alone on an encoded image for 16 ready prompt embeddings (one call). */
  readonly decoder16?: Stats;
  readonly e2e: Record<string, Stats>;
  readonly peakRssMb: number;
  readonly foreignLoad: number | undefined;
  /** Timed runs dropped because other processes used the CPU meanwhile. */
  readonly discardedRuns?: number;
  /** Mean and standard deviation of the first prompt's logits (K = 1), to check both libraries compute the same. */
  readonly probe: { readonly mean: number; readonly std: number };
}

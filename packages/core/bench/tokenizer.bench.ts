/**
 * CLIP tokenizer throughput on one core (JS is single-threaded here).
 *
 *   node --conditions=clipseg-source --import tsx packages/core/bench/tokenizer.bench.ts
 *
 * Prompt set: the golden case texts plus generated short English prompts.
 * Runs, all in this process:
 * - baseline: the tokenizer with its BPE cache disabled (`cacheSize: 0`);
 * - cold cache: a fresh tokenizer (default cache) timed over its first pass;
 * - warm cache: the same after a warm-up pass;
 * - warm `call()`: batches of 32 padded to 77, as a pipeline would ask.
 * Reads the vocabulary from ../shared (or $CLIPSEG_SHARED_DIR); exits 0 with a note without it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLIPTokenizer } from '@clipseg/core';

const PROMPTS = 20_000;
const REPEATS = 7;

function findShared(): string | undefined {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
  for (const candidate of [process.env.CLIPSEG_SHARED_DIR, resolve(root, '../shared')]) {
    if (candidate && existsSync(join(candidate, 'clip-bpe/vocab.json'))) return candidate;
  }
  return undefined;
}

/** Deterministic generator of short captions / segmentation prompts. */
function generatePrompts(count: number): string[] {
  let seed = 20240611;
  const random = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const nouns = (
    'cat dog person man woman child car bus truck bicycle motorcycle tree flower grass sky cloud road building house window door ' +
    'table chair sofa bed lamp cup mug glass bottle plate bowl spoon knife fork laptop keyboard phone book bag shoe hat shirt ' +
    'horse cow sheep bird fish boat river lake mountain beach sand wave rock bridge tower sign traffic light umbrella kite ball ' +
    'pizza sandwich apple banana orange carrot broccoli cake donut giraffe elephant zebra bear teddy clock vase scissors toothbrush'
  ).split(' ');
  const adjectives = 'red blue green yellow black white grey brown small large old new wooden metal shiny dark bright wet dry striped fluffy broken empty'.split(' ');
  const places = 'table floor street park kitchen field road shelf counter wall grass snow water desk window'.split(' ');
  const templates: ((n: string, a: string, p: string) => string)[] = [
    (n) => n,
    (n) => `a ${n}`,
    (n, a) => `a ${a} ${n}`,
    (n) => `a photo of a ${n}`,
    (n, a) => `a photo of a ${a} ${n}`,
    (n, a, p) => `the ${a} ${n} on the ${p}`,
    (n, _a, p) => `${n} next to the ${p}`,
    (n, a) => `${a} ${n}s`,
    (n, a, p) => `A ${a.toUpperCase()} ${n}, near the ${p}.`,
    (n) => `something to fill: ${n}`,
  ];
  return Array.from({ length: count }, () => pick(templates)(pick(nouns), pick(adjectives), pick(places)));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Prompts per second of one pass of `encode` over `prompts`. */
function pass(tokenizer: CLIPTokenizer, prompts: readonly string[]): number {
  let sink = 0;
  const start = performance.now();
  for (const prompt of prompts) sink += tokenizer.encode(prompt).length;
  const seconds = (performance.now() - start) / 1000;
  if (sink === 0) throw new Error('nothing encoded');
  return prompts.length / seconds;
}

function callPass(tokenizer: CLIPTokenizer, prompts: readonly string[]): number {
  const start = performance.now();
  for (let i = 0; i < prompts.length; i += 32) tokenizer.call(prompts.slice(i, i + 32), { padding: 'max_length' });
  return prompts.length / ((performance.now() - start) / 1000);
}

const shared = findShared();
if (shared === undefined) {
  console.log('tokenizer.bench: ../shared (clip-bpe/vocab.json) not found; set CLIPSEG_SHARED_DIR. Skipped.');
  process.exit(0);
}

const vocab = readFileSync(join(shared, 'clip-bpe/vocab.json'), 'utf8');
const merges = readFileSync(join(shared, 'clip-bpe/merges.txt'), 'utf8');
const golden = existsSync(join(shared, 'golden/tokenizer/cases.json'))
  ? (JSON.parse(readFileSync(join(shared, 'golden/tokenizer/cases.json'), 'utf8')) as { cases: { text: string }[] }).cases.map((c) => c.text)
  : [];
const prompts = [...golden, ...generatePrompts(PROMPTS - golden.length)];
const words = new Set(prompts.flatMap((p) => p.toLowerCase().split(/\s+/)));
const meanLength = prompts.reduce((sum, p) => sum + p.length, 0) / prompts.length;

const loadStart = performance.now();
const make = (cacheSize?: number): CLIPTokenizer => CLIPTokenizer.fromVocabAndMerges(vocab, merges, cacheSize === undefined ? {} : { cacheSize });
make();
const loadMs = performance.now() - loadStart;

// Warm the JIT on a throw-away tokenizer so every timed run starts with compiled code.
const jit = make();
for (let i = 0; i < 3; i++) pass(jit, prompts);

const baselineTokenizer = make(0);
const baseline = median(Array.from({ length: REPEATS }, () => pass(baselineTokenizer, prompts)));
const cold = median(Array.from({ length: REPEATS }, () => pass(make(), prompts)));
const warmTokenizer = make();
pass(warmTokenizer, prompts);
const warm = median(Array.from({ length: REPEATS }, () => pass(warmTokenizer, prompts)));
const warmCall = median(Array.from({ length: REPEATS }, () => callPass(warmTokenizer, prompts)));

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US').padStart(11);
console.log(`CLIP tokenizer bench: ${prompts.length} prompts (${golden.length} golden + generated), ${words.size} distinct words, mean ${meanLength.toFixed(1)} chars`);
console.log(`node ${process.version}, one core; load (vocab.json + merges.txt) ${loadMs.toFixed(0)} ms; median of ${REPEATS} passes`);
console.log(`baseline (cache disabled)   ${fmt(baseline)} prompts/s`);
console.log(`cold cache (first pass)     ${fmt(cold)} prompts/s   ${(cold / baseline).toFixed(2)}x baseline`);
console.log(`warm cache                  ${fmt(warm)} prompts/s   ${(warm / baseline).toFixed(2)}x baseline`);
console.log(`warm call(), batch 32 → 77  ${fmt(warmCall)} prompts/s   ${(warmCall / baseline).toFixed(2)}x baseline`);
console.log(`target ≥ 100,000 prompts/s warm: ${warm >= 100_000 ? 'met' : 'NOT met'}`);

/**
 * `pnpm train:demo`: trains the demo CLIPSeg from scratch, every parameter trainable, on generated scenes, and
 * writes it to packages/demo-model/model/ (an HF checkpoint) with its training record.
 *
 * Options: --steps N, --out DIR, --eval-every N, --threads N (defaults: the recipe's).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { batchEncodingToTensors, loadTokenizer, memoryFileSet, ViTImageProcessorConfig } from '@clipseg/core';
import { initRandomCheckpoint, openCheckpoint, randomCheckpointFiles } from '@clipseg/convert';
import { preprocess } from '@clipseg/processor';
import { createNodeBackend } from '@clipseg/runtime-node';
import { AdamW, finetunedCheckpointFiles, FullTrainer, learnBpe, learnedTokenizerFiles, promptGrammarWords, syntheticDataset, syntheticPromptCorpus } from '@clipseg/train';
import { evaluateDemo } from './demo-eval.js';
import { DEMO_PREPROCESSOR_CONFIG, DEMO_RECIPE, DEMO_SIDE, demoConfig } from './demo-recipe.js';

const numeric = ['steps', 'threads', 'batch-size', 'lr', 'decoder-lr', 'object-scale', 'max-objects', 'prompts-per-scene', 'projection-dim', 'reduce-dim', 'text-layers', 'text-hidden', 'negatives'] as const;
const { values } = parseArgs({ options: Object.fromEntries(['out', 'eval-every', ...numeric].map((n) => [n, { type: 'string' as const }])) });
const given = (name: (typeof numeric)[number]) => (values[name] === undefined ? undefined : Number(values[name]));
const recipe = {
  ...DEMO_RECIPE,
  ...Object.fromEntries(
    Object.entries({ steps: given('steps'), threads: given('threads'), batchSize: given('batch-size'), learningRate: given('lr'), decoderLearningRate: given('decoder-lr'), objectScale: given('object-scale'), maxObjects: given('max-objects'), promptsPerScene: given('prompts-per-scene'), projectionDim: given('projection-dim'), reduceDim: given('reduce-dim'), textLayers: given('text-layers'), textHidden: given('text-hidden'), negativeRate: given('negatives') }).filter(([, v]) => v !== undefined),
  ),
};
const evalEvery = Number(values['eval-every'] ?? 250);
const out = resolve(values.out ?? new URL('../model', import.meta.url).pathname);
const started = Date.now();
let peakRss = 0;
const sampleRss = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));

// 1. The tokenizer: a byte-level BPE learned on the prompt grammar.
const corpus = [...syntheticPromptCorpus(recipe.seed, recipe.corpusSize), ...promptGrammarWords()];
const bpe = learnBpe(corpus, { vocabSize: recipe.vocabSize });
const vocabSize = Object.keys(bpe.vocab).length;
const tokenizerFiles = learnedTokenizerFiles(bpe, { modelMaxLength: 32 });
const tokenizer = await loadTokenizer(memoryFileSet(tokenizerFiles, 'demo tokenizer'));
console.log(`tokenizer: ${vocabSize} tokens (${bpe.merges.length} merges) from ${corpus.length} prompts`);

// 2. The model, random, then trained.
const config = demoConfig(vocabSize, recipe);
const preprocessorJson = new TextEncoder().encode(`${JSON.stringify(DEMO_PREPROCESSOR_CONFIG, null, 2)}\n`);
const initial = { ...randomCheckpointFiles(initRandomCheckpoint(config, { seed: recipe.seed, tokenizerFiles })), 'preprocessor_config.json': preprocessorJson };
const { reader } = await openCheckpoint(memoryFileSet(initial, 'initial'));
const backend = createNodeBackend();
const trainer = await FullTrainer.create(backend, config, (name) => reader.readFloat32(name), { session: { intraOpNumThreads: recipe.threads, interOpNumThreads: 1 } });
// Two parameter groups: the decoder at its own (higher) peak rate, the CLIP towers at the recipe's.
const optimizer = new AdamW({ lr: recipe.learningRate, weightDecay: recipe.weightDecay });
const decoderOptimizer = new AdamW({ lr: recipe.decoderLearningRate, weightDecay: recipe.weightDecay });
const isDecoder = (name: string) => name.startsWith('decoder.');
const group = (decoder: boolean) => new Map([...trainer.parameters].filter(([name]) => isDecoder(name) === decoder));
const [clipParameters, decoderParameters] = [group(false), group(true)];
const preprocessor = ViTImageProcessorConfig.fromJSON(DEMO_PREPROCESSOR_CONFIG);
/** Linear warm-up, then cosine to the final rate; `peak` is the group's. */
const learningRate = (step: number, peak = recipe.learningRate) => {
  if (step < recipe.warmupSteps) return (peak * (step + 1)) / recipe.warmupSteps;
  const t = (step - recipe.warmupSteps) / Math.max(1, recipe.steps - recipe.warmupSteps);
  return recipe.finalLearningRate + ((peak - recipe.finalLearningRate) * (1 + Math.cos(Math.PI * t))) / 2;
};

/** The checkpoint as it stands: the initial files with the trained parameters (`finetunedCheckpointFiles`). */
async function checkpointFiles(): Promise<Record<string, Uint8Array>> {
  return { ...initial, ...Object.fromEntries(await finetunedCheckpointFiles(memoryFileSet(initial, 'initial'), trainer.parameters)) };
}

const curve: { step: number; loss: number; meanIoU?: number; negativesUnder1Percent?: number; seconds: number }[] = [];
const data = syntheticDataset(recipe.seed, recipe.steps * recipe.batchSize, { width: DEMO_SIDE, negativeRate: recipe.negativeRate, objectScale: recipe.objectScale, maxObjects: recipe.maxObjects, promptsPerScene: recipe.promptsPerScene })[Symbol.iterator]();
let lossSum = 0;
let stepTime = 0;
for (let step = 0; step < recipe.steps; step++) {
  const items = Array.from({ length: recipe.batchSize }, () => data.next().value!);
  const t0 = performance.now();
  const scenes = [...new Set(items.map((i) => i.sceneIndex))];
  const pixelValues = preprocess(scenes.map((k) => items.find((i) => i.sceneIndex === k)!.image), preprocessor);
  const imageOf = items.map((i) => scenes.indexOf(i.sceneIndex));
  const { input_ids: inputIds } = batchEncodingToTensors(tokenizer.call(items.map((i) => i.prompt), { padding: 'longest', maxLength: 32 }));
  const targets = new Float32Array(recipe.batchSize * DEMO_SIDE * DEMO_SIDE);
  items.forEach((item, i) => targets.set(item.mask.data, i * DEMO_SIDE * DEMO_SIDE));
  const { loss, gradients } = await trainer.step({ pixelValues, imageOf, inputIds, targets });
  optimizer.step(clipParameters, gradients, learningRate(step));
  decoderOptimizer.step(decoderParameters, gradients, learningRate(step, recipe.decoderLearningRate));
  stepTime += performance.now() - t0;
  lossSum += loss;
  sampleRss();
  if ((step + 1) % 25 === 0) {
    console.log(`step ${step + 1}/${recipe.steps} loss ${(lossSum / 25).toFixed(4)} lr ${learningRate(step).toExponential(2)} ${(stepTime / 25).toFixed(0)} ms/step`);
    curve.push({ step: step + 1, loss: lossSum / 25, seconds: (Date.now() - started) / 1000 });
    lossSum = 0;
    stepTime = 0;
  }
  if ((step + 1) % evalEvery === 0 || step + 1 === recipe.steps) {
    const quality = await evaluateDemo(backend, await checkpointFiles(), recipe.seed + 1000, 100, { objectScale: recipe.objectScale, maxObjects: recipe.maxObjects });
    console.log(`  eval at step ${step + 1}: mIoU ${quality.meanIoU.toFixed(3)} over ${quality.positives}, negatives quiet ${(quality.negativesUnder1Percent * 100).toFixed(0)} % of ${quality.negatives}`);
    Object.assign(curve.at(-1) ?? {}, { meanIoU: quality.meanIoU, negativesUnder1Percent: quality.negativesUnder1Percent });
  }
}
const files = await checkpointFiles();
mkdirSync(out, { recursive: true });
for (const [name, bytes] of Object.entries(files)) if (name !== 'tokenizer.json') writeFileSync(join(out, name), bytes);
writeFileSync(join(out, 'tokenizer.json'), files['tokenizer.json']!);
const record = { recipe, vocabSize, seconds: (Date.now() - started) / 1000, peakRssBytes: peakRss, curve };
writeFileSync(join(out, 'training.json'), `${JSON.stringify(record, null, 2)}\n`);
console.log(`wrote ${out} in ${record.seconds.toFixed(0)} s, peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB`);
await trainer.dispose();
await reader.close();

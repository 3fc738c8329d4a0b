import { lstat, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { isCLIPSegError, memoryFileSet } from '@clipseg/core';
import { convertCheckpoint, openCheckpoint } from '@clipseg/convert';
import { createNodeBackend, DEFAULT_MAX_PIXELS, decodeImage, directoryFileSet, loadCLIPSeg, writeDirectoryAtomic, writeFilesAtomic } from '@clipseg/runtime-node';
import { checkReplaceable, outputMarker, readFileBounded, sha256Node } from '@clipseg/runtime-node/io';
import { decodeFinetuneState, encodeFinetuneState, finetunedCheckpointFiles, finetuneDecoder, FINETUNE_DEFAULTS, prepareFinetuneData, splitDataset, type FinetuneState } from '@clipseg/train';
import { CliError } from '../cli-error.js';
import type { CliIO, Command } from '../command.js';
import { FinetuneReporter, formatDuration } from '../finetune/finetune-reporter.js';
import { readFinetuneDataset } from '../finetune/read-finetune-dataset.js';
import { resolveCheckpointModel } from '../model-option.js';
import { CHECKPOINT_MODEL_HELP } from '../model-help.js';
import { numberOption, type OptionTable, parseCommandArgs, positiveInt, threadsOption } from '../parse-options.js';
import { EXIT_INTERRUPTED } from './pull.js';

const d = FINETUNE_DEFAULTS;
const usage = `Usage: clipseg finetune --model MODEL --data DIR --out OUT [options]

Fine-tunes CLIPSeg's decoder on your images and masks, CLIP frozen (the paper's
recipe): BCE-with-logits, AdamW (weight decay ${d.weightDecay}) with a cosine learning
rate from ${d.learningRate} to ${d.finalLearningRate}, batches of ${d.batchSize} examples (gradients accumulated), and
negatives (a prompt the image lacks, empty target) with probability ${d.negativeRate}.
Each image runs through the vision tower once; its activations are reused every
epoch. Validation IoU (threshold 0.5) on held-out images after every epoch.

Writes OUT as an HF checkpoint (config.json, model.safetensors with HF names,
tokenizer and preprocessor files: HF's from_pretrained loads it as it is) with
its converted bundle in OUT/bundle and the run's record in OUT/training.json.

Data:
  --data DIR             the dataset folder: dataset.jsonl lines of
                         {"image": "images/a.jpg", "mask": "masks/a.png", "prompt": "a cat"}
                         or {"image": ..., "mask": ..., "promptImage": "examples/cat.jpg"}
                         (masks: 8-bit, > 127 is foreground, the image's size)
  --coco FILE            COCO instance annotations instead (relative to --data):
                         polygons and RLE, category names as prompts
  --images SUBDIR        folder of the COCO images (relative to --data)
  --prompt-field F       COCO prompts from category:FIELD or annotation:FIELD
  --validation FRACTION  share of the images held out (default 0.1)

Model and output:
  --model MODEL          an HF checkpoint folder, or a Hub id pulled with 'clipseg pull' (below)
  --out OUT              the fine-tuned checkpoint folder (written atomically)
  --force                replace OUT if it is a checkpoint 'clipseg finetune' wrote
  --resume               continue the run saved in OUT.finetune-state.safetensors
                         (written after every epoch and on Ctrl-C; same data and
                         settings; the resumed run ends with the same weights)

Training:
  --epochs N             passes over the training examples (default ${d.epochs})
  --batch-size N         examples per optimizer step (default ${d.batchSize})
  --lr X                 first learning rate (default ${d.learningRate})
  --final-lr X           last learning rate (default ${d.finalLearningRate})
  --weight-decay X       AdamW weight decay (default ${d.weightDecay})
  --negatives P          probability of a negative example (default ${d.negativeRate})
  --seed N               the split, shuffles and negatives (default ${d.seed})
  --micro-batch N        most prompts per graph run; a batch runs in such pieces,
                         gradients accumulated (default ${d.microBatchSize}; memory grows with it)
  --threads N            onnxruntime intra-op threads (default: onnxruntime's choice)
  --max-pixels N         refuse larger images (default ${DEFAULT_MAX_PIXELS})
  --json                 one JSON line per step and epoch on stdout

${CHECKPOINT_MODEL_HELP}`;

const optionTable = {
  model: { type: 'string' },
  data: { type: 'string' },
  out: { type: 'string' },
  coco: { type: 'string' },
  images: { type: 'string' },
  'prompt-field': { type: 'string' },
  validation: { type: 'string' },
  epochs: { type: 'string' },
  'batch-size': { type: 'string' },
  lr: { type: 'string' },
  'final-lr': { type: 'string' },
  'weight-decay': { type: 'string' },
  negatives: { type: 'string' },
  seed: { type: 'string' },
  'micro-batch': { type: 'string' },
  threads: { type: 'string' },
  'max-pixels': { type: 'string' },
  resume: { type: 'boolean', default: false },
  force: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
} as const satisfies OptionTable;

const exists = (path: string) => lstat(path).then(() => true, () => false);

/** Stops the run between steps on the first Ctrl-C (the state is saved first); returns the unsubscribe. */
function stopOnInterrupt(io: CliIO, controller: AbortController): () => void {
  const onInterrupt = () => {
    io.stderr('\ninterrupted: saving the run after this step (Ctrl-C again quits at once)\n');
    controller.abort();
  };
  process.once('SIGINT', onInterrupt);
  return () => process.off('SIGINT', onInterrupt);
}

/** `clipseg finetune`: fine-tune the decoder on a dataset. */
export const finetuneCommand: Command = {
  name: 'finetune',
  summary: 'Fine-tune the decoder on your images and masks (CLIP frozen); writes an HF checkpoint and its bundle',
  usage,
  options: optionTable,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, optionTable);
    if (positionals.length > 0) throw new CliError('CLI_USAGE', `Unexpected argument '${positionals[0]}': use --model, --data and --out.`);
    for (const name of ['model', 'data', 'out'] as const) if (values[name] === undefined) throw new CliError('CLI_USAGE', `Give --${name}.`);
    const options = {
      epochs: positiveInt(values.epochs, '--epochs'),
      batchSize: positiveInt(values['batch-size'], '--batch-size'),
      learningRate: numberOption(values.lr, '--lr', { min: Number.MIN_VALUE }),
      finalLearningRate: numberOption(values['final-lr'], '--final-lr', { min: 0 }),
      weightDecay: numberOption(values['weight-decay'], '--weight-decay', { min: 0 }),
      negativeRate: numberOption(values.negatives, '--negatives', { min: 0, max: 0.99 }),
      seed: numberOption(values.seed, '--seed', { integer: true }),
      microBatchSize: positiveInt(values['micro-batch'], '--micro-batch'),
    };
    const validationFraction = numberOption(values.validation, '--validation', { min: 0, max: 0.9 }) ?? 0.1;
    const threads = threadsOption(values.threads);
    const maxPixels = positiveInt(values['max-pixels'], '--max-pixels') ?? DEFAULT_MAX_PIXELS;
    const out = resolve(io.cwd, values.out!);
    const statePath = `${out}.finetune-state.safetensors`;
    const dataDir = resolve(io.cwd, values.data!);

    // Everything that can be refused is refused before any work.
    await checkReplaceable(out, { force: values.force, kind: 'finetuned-checkpoint', keep: [dataDir] });
    let resume: FinetuneState | undefined;
    if (values.resume) {
      if (!(await exists(statePath))) throw new CliError('CLI_INPUT_NOT_FOUND', `--resume: no saved run at ${statePath}; start without --resume.`);
      resume = await decodeFinetuneState(await readFileBounded(statePath, { maxBytes: 2 ** 30 }));
    } else if (await exists(statePath)) {
      throw new CliError('CLI_OUTPUT_EXISTS', `A saved run is at ${statePath}: pass --resume to continue it, or delete that file to start over.`);
    }
    const model = await resolveCheckpointModel(values.model!, io);
    await checkReplaceable(out, { force: values.force, kind: 'finetuned-checkpoint', keep: [dataDir, model.checkpointDir] });
    const dataset = await readFinetuneDataset({ dir: dataDir, ...(values.coco === undefined ? {} : { coco: values.coco }), ...(values.images === undefined ? {} : { images: values.images }), ...(values['prompt-field'] === undefined ? {} : { promptField: values['prompt-field'] }) });
    const reporter = new FinetuneReporter(io, values.json, options.epochs ?? d.epochs);
    for (const w of dataset.warnings.slice(0, 20)) reporter.note(`warning: ${w}`);
    const split = splitDataset(dataset.items, { validationFraction, seed: options.seed ?? d.seed });
    reporter.note(`${dataset.items.length} examples: ${split.train.length} to train on, ${split.validation.length} held out for validation (by image).`);

    const session = threads === undefined ? {} : { intraOpNumThreads: threads };
    const backend = createNodeBackend({ onWarning: (m) => reporter.note(`warning: ${m}`) });
    const seg = await loadCLIPSeg(model.bundleDir, { backend, sessionOptions: session });
    const controller = new AbortController();
    const unsubscribe = stopOnInterrupt(io, controller);
    const started = Date.now();
    const { reader } = await openCheckpoint(directoryFileSet(model.checkpointDir));
    try {
      const data = await prepareFinetuneData(seg, { files: dataset.files, train: split.train, validation: split.validation, decodeImage: (bytes, name) => decodeImage(bytes, { maxPixels }).catch((e: unknown) => Promise.reject(named(e, name))) }, { signal: controller.signal, onProgress: (p) => reporter.prepare(p) });
      reporter.done();
      const encodeSeconds = (Date.now() - started) / 1000;
      reporter.note(`encoded ${data.activations.size} images and ${data.embeddings.size} prompts once in ${formatDuration(encodeSeconds)}; training reuses them every epoch.`);
      const result = await finetuneDecoder({
        backend,
        config: seg.config,
        data,
        initialParameters: (name) => reader.readFloat32(name),
        options,
        ...(resume === undefined ? {} : { resume }),
        signal: controller.signal,
        session,
        onEvent: async (e) => {
          if (e.type === 'state') await writeFilesAtomic([[statePath, encodeFinetuneState(e.state)]]);
          reporter.event(e);
        },
      });
      reporter.done();
      const checkpoint = await finetunedCheckpointFiles(directoryFileSet(model.checkpointDir), result.parameters);
      const bundle = await convertCheckpoint(memoryFileSet(Object.fromEntries(checkpoint), out), { sha256: sha256Node });
      const record = { createdBy: 'clipseg finetune', model: values.model, data: values.data, options: result.state.options, validationFraction, examples: { train: split.train.length, validation: split.validation.length }, history: result.history, seconds: (Date.now() - started) / 1000 };
      const files: [string, Uint8Array][] = [
        ...checkpoint,
        ...[...bundle.files].map(([name, bytes]) => [`bundle/${name}`, bytes] as [string, Uint8Array]),
        ['training.json', new TextEncoder().encode(`${JSON.stringify(record, null, 2)}\n`)],
        ['clipseg-output.json', outputMarker('finetuned-checkpoint', 'clipseg finetune')],
      ];
      await writeDirectoryAtomic(out, files, { force: values.force, kind: 'finetuned-checkpoint', keep: [dataDir, model.checkpointDir] });
      await rm(statePath, { force: true });
      const last = result.history.at(-1)!;
      const first = result.history[0]!;
      reporter.note(`wrote ${out} (HF checkpoint) and ${out}/bundle; validation IoU ${first.validationIoU?.toFixed(3) ?? '–'} → ${last.validationIoU?.toFixed(3) ?? '–'} in ${formatDuration(record.seconds)}.`);
      if (values.json) io.stdout(`${JSON.stringify({ type: 'done', out, bundle: `${out}/bundle`, history: result.history })}\n`);
      return 0;
    } catch (error) {
      if (controller.signal.aborted && isCLIPSegError(error, 'TRAINING_ABORTED')) {
        reporter.done();
        const saved = await exists(statePath);
        io.stderr(`error[${error.code}]: ${error.message}${saved ? ` The state is in ${statePath}: run the same command with --resume.` : ''}\n`);
        return EXIT_INTERRUPTED;
      }
      throw error;
    } finally {
      unsubscribe();
      reporter.done();
      await reader.close();
      await seg.dispose();
    }
  },
};

/** An image decoding error with the dataset file's name in its message. */
function named(error: unknown, name: string): unknown {
  if (error instanceof Error && !error.message.includes(name)) error.message = `${name}: ${error.message}`;
  return error;
}

import { basename, extname, join, resolve } from 'node:path';
import { PIPELINE_LIMITS, writeSafetensors, type Tensor } from '@clipseg/core';
import { exampleScene, type RasterImage } from '@clipseg/processor';
import { decodeImage, type DecodeImageOptions, DEFAULT_MAX_PIXELS, loadCLIPSeg, writeFilesAtomic } from '@clipseg/runtime-node';
import { joinInside } from '@clipseg/runtime-node/io';
import { CliError } from '../cli-error.js';
import type { Command, CliIO } from '../command.js';
import { resolveModel } from '../model-option.js';
import { MODEL_OPTION_HELP } from '../model-help.js';
import { prepareOutDir } from '../out-dir.js';
import { MAX_THREADS, type OptionTable, parseCommandArgs, parseNumber, positiveInt, threadsOption, verifyOption } from '../parse-options.js';
import { ProgressBar } from '../progress.js';
import { promptsFromTokens, slug } from '../prompt-args.js';
import { renderImageOutputs, SEGMENT_FORMATS, type PromptReport, type SegmentFormat } from '../segment-outputs.js';

const usage = `Usage: clipseg segment (IMAGE... | --example) [--model MODEL] PROMPTS... [options]

Segments each IMAGE once for every prompt (each image is encoded once).

Prompts (in order; at least one):
  --prompt TEXT              a text prompt
  --prompt-image FILE        an image prompt; may be followed by
      --prompt-mask FILE       the object's mask (white = object), or
      --prompt-box X,Y,W,H     its box in pixels, and
      --prompt-mode MODE       none | crop | darken | blur | crop-blur | crop-darken | crop-blur-darken
                               (default crop-blur-darken when a mask or box is given)
  --prompt-embedding FILE    conditional embeddings from 'clipseg embed' (one prompt per row)
  --negative TEXT            suppress what this describes: masks × (1 − negative)

Options:
  --model MODEL              a bundle, HF checkpoint folder or pulled Hub id (below); default: a built-in
                             RANDOM tiny model
  --example                  segment the built-in example scene (drawn procedurally)
  --out DIR                  where outputs go (default ./clipseg-out)
  --format LIST              comma-separated: png (binary mask), overlay, heatmap, json (RLE + polygons); default png
  --threshold T              probability above which a pixel is in the mask (default 0.5)
  --logits FILE              also write raw logits (safetensors, float32 'logits': [prompts, H, W] for one image,
                             [images, prompts, H, W] for several; negatives included after the prompts)
  --json                     print a machine-readable report on stdout
  --max-pixels N             refuse larger images (default ${DEFAULT_MAX_PIXELS})
  --exif-orientation         apply EXIF orientation (HF does not)
  --threads N                onnxruntime intra-op threads, 1 to ${MAX_THREADS} (default: onnxruntime's choice)
  --execution-provider EP    cpu (default), cuda or webgpu where this build has them (falls back to cpu)
  --verify size|sha256|none  check bundle files against the manifest (default size)

${MODEL_OPTION_HELP}`;

function parseFormats(value: string): SegmentFormat[] {
  const formats = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const f of formats) {
    if (!(SEGMENT_FORMATS as readonly string[]).includes(f)) throw new CliError('CLI_USAGE', `--format takes ${SEGMENT_FORMATS.join(', ')} (comma-separated), got '${f}'.`);
  }
  if (formats.length === 0) throw new CliError('CLI_USAGE', '--format needs at least one format.');
  return formats as SegmentFormat[];
}

function stack(tensors: readonly Tensor<'float32'>[], single: boolean): Tensor<'float32'> {
  if (single) return tensors[0]!;
  const first = tensors[0]!;
  const data = new Float32Array(tensors.length * first.data.length);
  tensors.forEach((t, i) => data.set(t.data, i * first.data.length));
  return { type: 'float32', dims: [tensors.length, ...first.dims], data };
}

const optionTable = {
  model: { type: 'string' },
  example: { type: 'boolean', default: false },
  prompt: { type: 'string', multiple: true },
  'prompt-image': { type: 'string', multiple: true },
  'prompt-mask': { type: 'string', multiple: true },
  'prompt-box': { type: 'string', multiple: true },
  'prompt-mode': { type: 'string', multiple: true },
  'prompt-embedding': { type: 'string', multiple: true },
  negative: { type: 'string', multiple: true },
  out: { type: 'string', default: 'clipseg-out' },
  format: { type: 'string', default: 'png' },
  threshold: { type: 'string', default: '0.5' },
  logits: { type: 'string' },
  json: { type: 'boolean', default: false },
  'max-pixels': { type: 'string' },
  'exif-orientation': { type: 'boolean', default: false },
  threads: { type: 'string' },
  'execution-provider': { type: 'string' },
  verify: { type: 'string', default: 'size' },
} as const satisfies OptionTable;

/** `clipseg segment`: images + prompts → masks. */
export const segmentCommand: Command = {
  name: 'segment',
  summary: 'Segment images from text, image or embedding prompts',
  usage,
  options: optionTable,
  async run(args, io: CliIO) {
    const { values, positionals, tokens } = parseCommandArgs(args, optionTable);
    if (positionals.length === 0 && !values.example) throw new CliError('CLI_USAGE', 'Give at least one IMAGE, or --example.');
    const formats = parseFormats(values.format);
    const threshold = parseNumber(values.threshold, '--threshold', { min: 0, max: 1 });
    const verify = verifyOption(values.verify);
    const threads = threadsOption(values.threads);
    const decode: DecodeImageOptions = { maxPixels: positiveInt(values['max-pixels'], '--max-pixels') ?? DEFAULT_MAX_PIXELS, applyExifOrientation: values['exif-orientation'] };
    const outDir = resolve(io.cwd, values.out);
    const logitsFile = values.logits === undefined ? undefined : resolve(io.cwd, values.logits);

    // Everything that can fail on input is checked before the model runs.
    const prompts = await promptsFromTokens(tokens ?? [], io.cwd, decode);
    if (prompts.length === 0) throw new CliError('CLI_USAGE', 'Give at least one prompt: --prompt, --prompt-image or --prompt-embedding.');
    const negatives = values.negative ?? [];
    const promptCount = prompts.length + negatives.length;
    if (promptCount > PIPELINE_LIMITS.maxSegmentPrompts) {
      throw new CliError(
        'CLI_USAGE',
        `${promptCount} prompts (--prompt, --prompt-image, --prompt-embedding rows and --negative together) are more than one segment run takes (${PIPELINE_LIMITS.maxSegmentPrompts}); split them over several runs.`,
      );
    }
    const images: { stem: string; image: RasterImage }[] = [];
    if (values.example) images.push({ stem: 'example', image: exampleScene() });
    const stems = new Set<string>();
    for (const file of positionals) {
      let stem = slug(basename(file, extname(file)));
      for (let n = 2; stems.has(stem); n++) stem = `${slug(basename(file, extname(file)))}-${n}`;
      stems.add(stem);
      images.push({ stem, image: await decodeImage(resolve(io.cwd, file), decode) });
    }
    await prepareOutDir(outDir);

    const model = await resolveModel(values.model, io);
    const warn = (message: string) => io.stderr(`warning: ${message}\n`);
    const seg = await loadCLIPSeg(model, {
      verify,
      onWarning: warn,
      sessionOptions: {
        ...(threads === undefined ? {} : { intraOpNumThreads: threads }),
        ...(values['execution-provider'] === undefined ? {} : { executionProviders: [values['execution-provider'], 'cpu'] }),
      },
    });
    const bar = new ProgressBar(io);
    const files: [string, Uint8Array][] = [];
    const reports: { image: string; width: number; height: number; prompts: PromptReport[] }[] = [];
    const allLogits: Tensor<'float32'>[] = [];
    try {
      const pipelinePrompts = [...prompts.map((p) => p.prompt), ...negatives];
      for (const [i, { stem, image }] of images.entries()) {
        bar.update(`segmenting ${stem} (${i + 1}/${images.length})`, i / images.length);
        const result = await seg.segmentImage(image, pipelinePrompts);
        allLogits.push(result.logits);
        const out = await renderImageOutputs(stem, image, result, prompts, negatives.length, { formats, threshold });
        for (const [name, bytes] of out.files) files.push([joinInside(outDir, name, 'the output file name'), bytes]);
        reports.push({ image: positionals[values.example ? i - 1 : i] ?? 'example', width: image.width, height: image.height, prompts: out.prompts });
      }
      bar.update('writing outputs', 1);
    } finally {
      bar.done();
      await seg.dispose();
    }
    if (logitsFile) files.push([logitsFile, writeSafetensors({ logits: stack(allLogits, allLogits.length === 1) })]);
    await writeFilesAtomic(files);

    if (values.json) {
      io.stdout(`${JSON.stringify({ model, outDir, threshold, logits: logitsFile ?? null, images: reports })}\n`);
    } else {
      for (const r of reports) {
        for (const p of r.prompts) {
          io.stdout(`${r.image}  [${p.index}] ${p.text ?? p.label}: ${(p.coverage * 100).toFixed(1)}% of pixels${p.files.length > 0 ? `  → ${p.files.map((f) => join(values.out, f)).join(', ')}` : ''}\n`);
        }
      }
      if (logitsFile) io.stdout(`logits → ${logitsFile}\n`);
    }
    return 0;
  },
};

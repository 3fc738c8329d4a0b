import { resolve } from 'node:path';
import { batchEncodingToTensors, CLIPSeg, createTensor, memoryFileSet, writeSafetensors, type Backend, type Tensor } from '@clipseg/core';
import { openBundle } from '@clipseg/core/bundle';
import { convertCheckpoint, expectedParameters, openCheckpoint } from '@clipseg/convert';
import { preprocess, rasterImageAdapter, type PromptMask, type RasterImage } from '@clipseg/processor';
import { createNodeBackend, decodeImage, DEFAULT_MAX_PIXELS, directoryFileSet, writeFilesAtomic } from '@clipseg/runtime-node';
import { entryKind, sha256Node } from '@clipseg/runtime-node/io';
import { buildDecoderTrainingGraph, computeFullGradients, DecoderTrainer, maskFromRaster, maskTargets, resizeMaskNearest, type DecoderTrainingExample } from '@clipseg/train';
import { CliError } from '../cli-error.js';
import type { Command } from '../command.js';
import { type OptionTable, parseCommandArgs, positiveInt } from '../parse-options.js';

const usage = `Usage: clipseg grad --model CHECKPOINT (--image FILE)... (--prompt TEXT | --prompt-image FILE)...
                   (--target MASK)... [--trainable decoder|all] --out FILE.safetensors

Computes the loss of one batch and its gradient for every trainable parameter, as
HF's CLIPSegForImageSegmentation.forward(labels=...): BCE-with-logits, mean over
every pixel of every example. Writes float32 'loss' [1] and
'grad.<HF parameter name>' (HF layout) for each trainable parameter the loss
reaches.

The i-th --image goes with the i-th prompt (--prompt and --prompt-image, in the
order given) and the i-th --target: one example each; the three counts must agree.
A target is an 8-bit mask image, a gray value > 127 is foreground (colour is
converted to gray as Pillow's convert('L')). A target of another size than the
model input is resized to it by nearest neighbour on pixel centres (Pillow's
NEAREST); thresholding commutes with it.

Options:
  --model CHECKPOINT   an HF checkpoint folder (config.json, model.safetensors or
                       pytorch_model.bin, tokenizer and preprocessor files)
  --trainable WHAT     decoder (default): every decoder.* parameter, CLIP frozen.
                       all: every parameter, CLIP included; an image prompt's
                       embedding (vision tower, post-layernorm,
                       visual_projection) trains too. Parameters the loss does
                       not reach (with text prompts only: vision layers past the
                       deepest extract layer, the vision post-layernorm,
                       visual_projection; always logit_scale) get no 'grad.'
                       entry and are named on stderr.
  --max-pixels N       refuse larger images (default ${DEFAULT_MAX_PIXELS})
`;

const optionTable = {
  model: { type: 'string' },
  image: { type: 'string', multiple: true },
  prompt: { type: 'string', multiple: true },
  'prompt-image': { type: 'string', multiple: true },
  target: { type: 'string', multiple: true },
  trainable: { type: 'string' },
  out: { type: 'string' },
  'max-pixels': { type: 'string' },
} as const satisfies OptionTable;

/** A text prompt, or an example image. */
type GradPrompt = string | { readonly image: RasterImage };

/**
 * The checkpoint converted in memory and opened once (manifest, configs, tokenizer; no sessions yet): the pipeline
 * that embeds prompts is loaded only where decoder training needs it.
 */
async function openModel(dir: string) {
  if ((await entryKind(dir, 'config.json')) !== 'file') {
    throw new CliError('CLI_INPUT_NOT_FOUND', `--model ${dir}: not an HF checkpoint folder (no config.json). 'clipseg grad' reads the parameters from a checkpoint; pass the folder 'clipseg convert' took.`);
  }
  const checkpoint = directoryFileSet(dir);
  const converted = await convertCheckpoint(checkpoint, { sha256: sha256Node });
  const bundle = memoryFileSet(Object.fromEntries(converted.files), dir);
  const opened = await openBundle(bundle);
  return {
    ...opened,
    imageSize: opened.manifest.imageSize,
    visionModel: converted.files.get(opened.manifest.graphs.vision_encoder.path)!,
    checkpoint,
    loadPipeline: (backend: Backend) => CLIPSeg.load<RasterImage, PromptMask>(bundle, backend, { images: rasterImageAdapter }),
  };
}

/** Writes `loss` [1] and `grad.<name>` for each gradient, all-or-nothing. */
async function writeGradients(out: string, loss: number, gradients: Iterable<readonly [string, readonly number[], Float32Array]>): Promise<number> {
  const tensors: Record<string, Tensor> = { loss: createTensor('float32', [1], [loss]) };
  let count = 0;
  for (const [name, shape, grad] of gradients) {
    tensors[`grad.${name}`] = createTensor('float32', shape, grad);
    count++;
  }
  await writeFilesAtomic([[out, writeSafetensors(tensors)]]);
  return count;
}

/** `clipseg grad`: loss and gradients of one batch, for inspecting a training run. */
export const gradCommand: Command = {
  name: 'grad',
  summary: 'Write the loss of a batch and the gradient of every trainable parameter (decoder training)',
  usage,
  options: optionTable,
  async run(args, io) {
    const { values, positionals, tokens } = parseCommandArgs(args, optionTable);
    if (positionals.length > 0) throw new CliError('CLI_USAGE', `Unexpected argument '${positionals[0]}': use --image, --prompt and --target.`);
    if (values.model === undefined) throw new CliError('CLI_USAGE', 'Give --model CHECKPOINT (an HF checkpoint folder).');
    if (values.out === undefined) throw new CliError('CLI_USAGE', 'Give --out FILE.safetensors.');
    const trainable = values.trainable ?? 'decoder';
    if (trainable !== 'decoder' && trainable !== 'all') throw new CliError('CLI_USAGE', `--trainable must be 'decoder' or 'all', got '${trainable}'.`);
    const images = values.image ?? [];
    const targets = values.target ?? [];
    const promptArgs = (tokens ?? []).filter((t) => t.kind === 'option' && (t.name === 'prompt' || t.name === 'prompt-image'));
    if (images.length === 0) throw new CliError('CLI_USAGE', 'Give at least one --image with its --prompt and --target.');
    if (promptArgs.length !== images.length || targets.length !== images.length) {
      throw new CliError('CLI_USAGE', `Give one prompt (--prompt or --prompt-image) and one --target per --image: got ${images.length} images, ${promptArgs.length} prompts and ${targets.length} targets.`);
    }
    const maxPixels = positiveInt(values['max-pixels'], '--max-pixels') ?? DEFAULT_MAX_PIXELS;
    const decode = (file: string) => decodeImage(resolve(io.cwd, file), { maxPixels });
    const prompts: GradPrompt[] = [];
    for (const t of promptArgs) {
      if (t.kind !== 'option' || t.value === undefined) continue;
      prompts.push(t.name === 'prompt' ? t.value : { image: await decode(t.value) });
    }
    const rasters = await Promise.all(images.map(decode));
    const masks = await Promise.all(targets.map(async (file) => maskFromRaster(await decode(file), file)));

    const backend = createNodeBackend({ onWarning: (m) => io.stderr(`warning: ${m}\n`) });
    const model = await openModel(resolve(io.cwd, values.model));
    const { imageSize } = model;
    const out = resolve(io.cwd, values.out);
    const { reader } = await openCheckpoint(model.checkpoint);
    let seg: Awaited<ReturnType<typeof model.loadPipeline>> | undefined;
    let trainer: DecoderTrainer | undefined;
    try {
      if (trainable === 'all') {
        const texts = prompts.filter((p): p is string => typeof p === 'string');
        const maxLength = Math.min(model.tokenizer.modelMaxLength, model.config.text_config.max_position_embeddings);
        const inputIds = texts.length === 0 ? undefined : batchEncodingToTensors(model.tokenizer.call(texts, { padding: 'longest', maxLength })).input_ids;
        const examples = rasters.map((raster, i) => {
          const prompt = prompts[i]!;
          const example = { pixelValues: preprocess([raster], model.preprocessorConfig), target: maskTargets(resizeMaskNearest(masks[i]!, imageSize)) };
          return typeof prompt === 'string' ? example : { ...example, promptPixelValues: preprocess([prompt.image], model.preprocessorConfig) };
        });
        const { loss, gradients, unreached } = await computeFullGradients(backend, { config: model.config, readParameter: (name) => reader.readFloat32(name), ...(inputIds === undefined ? {} : { inputIds }), examples, imageSize });
        const shapes = expectedParameters(model.config);
        const count = await writeGradients(out, loss, [...gradients].map(([name, grad]) => [name, shapes.get(name)!, grad] as const));
        io.stderr(`loss ${loss}; wrote ${count} gradients to ${out}; not reached by the loss (no gradient): ${unreached.join(', ')}.\n`);
        return 0;
      }
      seg = await model.loadPipeline(backend);
      const graph = await buildDecoderTrainingGraph(model.config, { imageSize });
      const embeddings = (await seg.embed(prompts)).data as Float32Array;
      const P = graph.projectionDim;
      const vision = await backend.createSession(model.visionModel);
      const batch: DecoderTrainingExample[] = [];
      try {
        for (const [i, raster] of rasters.entries()) {
          const activations = await vision.run({ pixel_values: preprocess([raster], model.preprocessorConfig) });
          batch.push({
            activations: graph.activations.map((name) => activations[name] as Tensor<'float32'>),
            conditionalEmbeddings: embeddings.slice(i * P, (i + 1) * P),
            targets: maskTargets(resizeMaskNearest(masks[i]!, graph.targetSize)),
          });
        }
      } finally {
        await vision.dispose();
      }
      trainer = await DecoderTrainer.create(backend, graph, (name) => reader.readFloat32(name));
      const { loss, gradients } = await trainer.step(batch);
      const count = await writeGradients(out, loss, graph.parameters.map(({ name, shape }) => [name, shape, gradients.get(name)!] as const));
      io.stderr(`loss ${loss}; wrote ${count} gradients to ${out}.\n`);
    } finally {
      await trainer?.dispose();
      await reader.close();
      await seg?.dispose();
    }
    return 0;
  },
};

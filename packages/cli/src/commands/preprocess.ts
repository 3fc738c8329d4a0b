import { resolve } from 'node:path';
import { ViTImageProcessorConfig, writeSafetensors } from '@clipseg/core';
import { preprocess } from '@clipseg/processor';
import { decodeImage, DEFAULT_MAX_PIXELS, writeFilesAtomic } from '@clipseg/runtime-node';
import { joinInside, MAX_CONFIG_BYTES } from '@clipseg/runtime-node/io';
import { CliError } from '../cli-error.js';
import type { Command } from '../command.js';
import { resolveModel } from '../model-option.js';
import { MODEL_OPTION_HELP } from '../model-help.js';
import { type OptionTable, parseCommandArgs, positiveInt } from '../parse-options.js';
import { readInputFile } from '../read-input.js';

const usage = `Usage: clipseg preprocess IMAGE [--model MODEL] --out FILE.safetensors

Writes what the model sees: float32 'pixel_values' [1, 3, H, W] from the
bundle's preprocessor_config.json (HF ViTImageProcessor, Pillow-exact resize).

Options:
  --model MODEL        a bundle, HF checkpoint folder or pulled Hub id (below); default: a built-in
                       RANDOM tiny model
  --max-pixels N       refuse larger images (default ${DEFAULT_MAX_PIXELS})
  --exif-orientation   apply EXIF orientation first (HF does not)

${MODEL_OPTION_HELP}`;

const optionTable = {
  model: { type: 'string' },
  out: { type: 'string' },
  'max-pixels': { type: 'string' },
  'exif-orientation': { type: 'boolean', default: false },
} as const satisfies OptionTable;

/** `clipseg preprocess`: an image → the model's pixel_values. */
export const preprocessCommand: Command = {
  name: 'preprocess',
  summary: "Write an image's pixel_values as the model sees them",
  usage,
  options: optionTable,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, optionTable);
    if (positionals.length !== 1) throw new CliError('CLI_USAGE', 'Give exactly one IMAGE.');
    if (values.out === undefined) throw new CliError('CLI_USAGE', 'Give --out FILE.safetensors.');
    const image = await decodeImage(resolve(io.cwd, positionals[0]!), {
      maxPixels: positiveInt(values['max-pixels'], '--max-pixels') ?? DEFAULT_MAX_PIXELS,
      applyExifOrientation: values['exif-orientation'],
    });
    const model = await resolveModel(values.model, io);
    const config = joinInside(model, 'preprocessor_config.json', 'the file name');
    const missing = `${model} has no preprocessor_config.json; pass a bundle from 'clipseg convert'.`;
    const text = new TextDecoder().decode(await readInputFile(config, `the preprocessor config ${config}`, MAX_CONFIG_BYTES, missing));
    const pixelValues = preprocess([image], ViTImageProcessorConfig.fromJSON(text));
    const out = resolve(io.cwd, values.out);
    await writeFilesAtomic([[out, writeSafetensors({ pixel_values: pixelValues })]]);
    io.stderr(`Wrote pixel_values [${pixelValues.dims.join(', ')}] to ${out}.\n`);
    return 0;
  },
};

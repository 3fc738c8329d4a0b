import { resolve } from 'node:path';
import { writeSafetensors, type Prompt } from '@clipseg/core';
import type { PromptMask, RasterImage } from '@clipseg/processor';
import { decodeImage, DEFAULT_MAX_PIXELS, loadCLIPSeg, writeFilesAtomic } from '@clipseg/runtime-node';
import { CliError } from '../cli-error.js';
import type { Command } from '../command.js';
import { resolveModel } from '../model-option.js';
import { MODEL_OPTION_HELP } from '../model-help.js';
import { type OptionTable, parseCommandArgs, positiveInt } from '../parse-options.js';

const usage = `Usage: clipseg embed [--model MODEL] (--text TEXT | --image FILE)... --out FILE.safetensors

Writes the conditional embeddings of the given texts and images, in order, as
float32 'embeddings' [N, projection_dim] — reusable with 'clipseg segment --prompt-embedding'.
Text embeddings are HF get_text_features, image embeddings get_image_features (not normalised).

Options:
  --model MODEL        a bundle, HF checkpoint folder or pulled Hub id (below); default: a built-in
                       RANDOM tiny model
  --max-pixels N       refuse larger images (default ${DEFAULT_MAX_PIXELS})

${MODEL_OPTION_HELP}`;

const optionTable = {
  model: { type: 'string' },
  text: { type: 'string', multiple: true },
  image: { type: 'string', multiple: true },
  out: { type: 'string' },
  'max-pixels': { type: 'string' },
} as const satisfies OptionTable;

/** `clipseg embed`: prompts → conditional embeddings file. */
export const embedCommand: Command = {
  name: 'embed',
  summary: 'Write the conditional embeddings of texts and images to a safetensors file',
  usage,
  options: optionTable,
  async run(args, io) {
    const { values, positionals, tokens } = parseCommandArgs(args, optionTable);
    if (positionals.length > 0) throw new CliError('CLI_USAGE', `Unexpected argument '${positionals[0]}': use --text or --image.`);
    if (values.out === undefined) throw new CliError('CLI_USAGE', 'Give --out FILE.safetensors.');
    const maxPixels = positiveInt(values['max-pixels'], '--max-pixels') ?? DEFAULT_MAX_PIXELS;
    const prompts: Prompt<RasterImage, PromptMask>[] = [];
    for (const token of tokens ?? []) {
      if (token.kind !== 'option' || token.value === undefined) continue;
      if (token.name === 'text') prompts.push(token.value);
      if (token.name === 'image') prompts.push({ image: await decodeImage(resolve(io.cwd, token.value), { maxPixels }) });
    }
    if (prompts.length === 0) throw new CliError('CLI_USAGE', 'Give at least one --text or --image.');
    const seg = await loadCLIPSeg(await resolveModel(values.model, io), { onWarning: (m) => io.stderr(`warning: ${m}\n`) });
    try {
      const embeddings = await seg.embed(prompts);
      const out = resolve(io.cwd, values.out);
      await writeFilesAtomic([[out, writeSafetensors({ embeddings })]]);
      io.stderr(`Wrote ${embeddings.dims[0]} embeddings of width ${embeddings.dims[1]} to ${out}.\n`);
    } finally {
      await seg.dispose();
    }
    return 0;
  },
};

import { CLIPSEG_PRESET_NAMES, isCLIPSegPresetName } from '@clipseg/core';
import { initRandomCheckpoint, TOKENIZER_FILES } from '@clipseg/convert';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type DirectoryFileContent, directoryFileSet, writeDirectoryAtomic } from '@clipseg/runtime-node';
import { checkReplaceable, OUTPUT_MARKER_FILE, outputMarker, type ReplaceRule } from '@clipseg/runtime-node/io';
import { CliError } from '../cli-error.js';
import type { Command } from '../command.js';
import { type OptionTable, parseCommandArgs, parseNumber } from '../parse-options.js';

const usage = `Usage: clipseg init-random --preset ${CLIPSEG_PRESET_NAMES.join('|')} [--seed N] [--tokenizer-from DIR] [--force] OUT_DIR

Writes a deterministic random CLIPSeg checkpoint in HF format (config.json,
model.safetensors, preprocessor_config.json, tokenizer files, and ${OUTPUT_MARKER_FILE},
which marks the folder as one init-random wrote): real architecture and cost,
meaningless masks. For tests and full-size benchmarks.

Options:
  --preset NAME          architecture: ${CLIPSEG_PRESET_NAMES.join(', ')}
  --seed N               generator seed (default 0): same seed, same bytes
  --tokenizer-from DIR   copy the tokenizer files of a real checkpoint; default a synthetic
                         byte-level CLIP vocabulary (no merges) that needs no download
  --force                replace OUT_DIR if it exists, but only a checkpoint init-random wrote
                         (one with its ${OUTPUT_MARKER_FILE}), never the --tokenizer-from folder
`;

const optionTable = {
  preset: { type: 'string' },
  seed: { type: 'string', default: '0' },
  'tokenizer-from': { type: 'string' },
  force: { type: 'boolean', default: false },
} as const satisfies OptionTable;

/** `clipseg init-random`: a deterministic random HF checkpoint. */
export const initRandomCommand: Command = {
  name: 'init-random',
  summary: 'Write a deterministic random HF-format CLIPSeg checkpoint (for tests and benchmarks)',
  usage,
  options: optionTable,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, optionTable);
    if (positionals.length !== 1) throw new CliError('CLI_USAGE', 'Give exactly one OUT_DIR.');
    const preset = values.preset;
    if (preset === undefined || !isCLIPSegPresetName(preset)) {
      throw new CliError('CLI_USAGE', `--preset must be one of ${CLIPSEG_PRESET_NAMES.join(', ')}${preset === undefined ? '' : `, got '${preset}'`}.`);
    }
    const seed = parseNumber(values.seed, '--seed', { integer: true, min: 0 });
    let tokenizerFiles: Record<string, Uint8Array> | undefined;
    const tokenizerDir = values['tokenizer-from'] === undefined ? undefined : resolve(io.cwd, values['tokenizer-from']);
    if (tokenizerDir !== undefined) {
      const source = directoryFileSet(tokenizerDir);
      tokenizerFiles = {};
      for (const name of TOKENIZER_FILES) {
        const bytes = await source.readBytes(name); // bounded; refuses FIFOs and devices
        if (bytes) tokenizerFiles[name] = bytes;
      }
      if (!tokenizerFiles['tokenizer.json'] && !(tokenizerFiles['vocab.json'] && tokenizerFiles['merges.txt'])) {
        throw new CliError('CLI_INPUT_NOT_FOUND', `${tokenizerDir} has no tokenizer.json and no vocab.json + merges.txt to copy.`);
      }
    }
    const out = resolve(io.cwd, positionals[0]!);
    if (!values.force && (await stat(out).then(() => true, () => false))) {
      throw new CliError('CLI_OUTPUT_EXISTS', `${out} already exists; choose another folder or pass --force to replace it.`);
    }
    const replace: ReplaceRule = { force: values.force, kind: 'random-checkpoint', keep: tokenizerDir === undefined ? [] : [tokenizerDir] };
    await checkReplaceable(out, replace);
    const checkpoint = initRandomCheckpoint(preset, { seed, ...(tokenizerFiles ? { tokenizerFiles } : {}) });
    const files: [string, DirectoryFileContent][] = [
      ...Object.entries(checkpoint.files),
      ['model.safetensors', checkpoint.weights],
      [OUTPUT_MARKER_FILE, outputMarker('random-checkpoint', 'clipseg init-random')],
    ];
    await writeDirectoryAtomic(out, files, replace);
    io.stderr(`Wrote ${out}: random ${preset} checkpoint, seed ${seed}, ${(checkpoint.weightBytes / 1e6).toFixed(1)} MB of weights.\n`);
    return 0;
  },
};

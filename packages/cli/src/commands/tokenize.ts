import { CLIPTokenizer, loadTokenizer, type CallOptions } from '@clipseg/core';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { directoryFileSet } from '@clipseg/runtime-node';
import { MAX_VOCABULARY_BYTES } from '@clipseg/runtime-node/io';
import { CliError } from '../cli-error.js';
import type { Command } from '../command.js';
import { type OptionTable, parseCommandArgs, positiveInt } from '../parse-options.js';
import { readInputFile } from '../read-input.js';

const usage = `Usage: clipseg tokenize (--model DIR | --bpe FILE) [options] TEXT...

Tokenizes each TEXT with the CLIP BPE tokenizer (HuggingFace fast-tokenizer
behaviour) and prints one JSON object {"input_ids": [[...]], "attention_mask": [[...]]}.

Vocabulary (one is required):
  --model DIR          a checkpoint or bundle folder: tokenizer.json, or vocab.json + merges.txt
                       (tokenizer_config.json's model_max_length and pad_token are honoured)
  --bpe FILE           OpenAI's bpe_simple_vocab_16e6.txt(.gz)

Options:
  --padding MODE       longest (default) | max_length | none
  --max-length N       truncate to N ids (keeping the end-of-text id) and pad to N with max_length;
                       default: the model's maximum (77)
  --no-truncation      keep over-long prompts whole (the model cannot take them)
  --cleanup MODE       fast (default, as HF tokenizer.json) | openai (html-unescape like OpenAI's CLIP)
`;

const optionTable = {
  model: { type: 'string' },
  bpe: { type: 'string' },
  padding: { type: 'string', default: 'longest' },
  'max-length': { type: 'string' },
  'no-truncation': { type: 'boolean', default: false },
  cleanup: { type: 'string', default: 'fast' },
} as const satisfies OptionTable;

/** `clipseg tokenize`: CLIP token ids and attention masks as JSON. */
export const tokenizeCommand: Command = {
  name: 'tokenize',
  summary: 'Tokenize prompts with the CLIP BPE tokenizer and print input_ids / attention_mask as JSON',
  usage,
  options: optionTable,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, optionTable);
    if (positionals.length === 0) throw new CliError('CLI_USAGE', 'Give at least one TEXT to tokenize.');
    if ((values.model === undefined) === (values.bpe === undefined)) {
      throw new CliError('CLI_USAGE', 'Give exactly one vocabulary: --model DIR or --bpe FILE.');
    }
    const padding = values.padding;
    if (padding !== 'longest' && padding !== 'max_length' && padding !== 'none') {
      throw new CliError('CLI_USAGE', `--padding must be longest, max_length or none, got '${padding}'.`);
    }
    const cleanup = values.cleanup;
    if (cleanup !== 'fast' && cleanup !== 'openai') throw new CliError('CLI_USAGE', `--cleanup must be fast or openai, got '${cleanup}'.`);
    const maxLength = positiveInt(values['max-length'], '--max-length');

    let tokenizer: CLIPTokenizer;
    if (values.model !== undefined) {
      const dir = resolve(io.cwd, values.model);
      const isDir = await stat(dir).then((s) => s.isDirectory(), () => false);
      if (!isDir) throw new CliError('CLI_INPUT_NOT_FOUND', `--model ${dir} is not a directory; pass a checkpoint or bundle folder.`);
      tokenizer = await loadTokenizer(directoryFileSet(dir), { cleanup });
    } else {
      const file = resolve(io.cwd, values.bpe!);
      const bytes = await readInputFile(file, `the BPE file ${file}`, MAX_VOCABULARY_BYTES);
      tokenizer = await CLIPTokenizer.fromOpenAIBpe(bytes, { cleanup });
    }
    const options: CallOptions = {
      padding: padding === 'none' ? false : padding,
      truncation: !values['no-truncation'],
      ...(maxLength === undefined ? {} : { maxLength }),
    };
    const { inputIds, attentionMask } = tokenizer.call(positionals, options);
    io.stdout(`${JSON.stringify({ input_ids: inputIds, attention_mask: attentionMask })}\n`);
    return 0;
  },
};

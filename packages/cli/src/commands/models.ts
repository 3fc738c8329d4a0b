import { join } from 'node:path';
import { parseHubRepoRef } from '@clipseg/core';
import { cacheDir } from '../cache/cache-dir.js';
import { DEFAULT_BUNDLE_NAME } from '../cache/default-bundle.js';
import { CONVERTED_KEY, listConverted, removeConverted } from '../cache/converted-cache.js';
import { folderBytes, HubCache } from '../hub/hub-cache.js';
import { CliError } from '../cli-error.js';
import type { Command } from '../command.js';
import { type OptionTable, parseCommandArgs } from '../parse-options.js';

const usage = `Usage: clipseg models [--json]
       clipseg models rm OWNER/NAME[@REVISION]
       clipseg models rm converted/KEY

Lists the models in the cache: pulled Hub repos with their revisions, bundles
and sizes, and the checkpoint folders converted by --model CHECKPOINT_DIR
(converted/KEY, with the folder each came from and its size). 'rm' removes one
repo (or one revision of it: its ref, and its checkpoint and bundles when no
other revision uses them) or one converted checkpoint (the checkpoint folder
itself is never touched). Only folders clipseg names are removed; a damaged ref
is removed without being followed.
`;

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/** Whether printing `code` could move the cursor, break the line or reorder text on a terminal. */
const unsafe = (code: number) => code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029 || (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069);

/** `text` safe to print on a terminal: control, bidirectional and line-separator characters escaped (`\u001b`). */
const printable = (text: string) => Array.from(text, (c) => (unsafe(c.charCodeAt(0)) ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c)).join('');

const optionTable = { json: { type: 'boolean', default: false } } satisfies OptionTable;

/** `clipseg models`: list or remove cached models. */
export const modelsCommand: Command = {
  name: 'models',
  summary: 'List or remove cached models',
  usage,
  options: optionTable,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, optionTable);
    const cache = new HubCache(cacheDir(io.env));
    if (positionals[0] === 'rm') {
      if (positionals.length !== 2) throw new CliError('CLI_USAGE', 'Give the model to remove: clipseg models rm OWNER/NAME[@REVISION].');
      const id = positionals[1]!;
      const converted = /^converted\/(.*)$/.exec(id)?.[1];
      if (converted !== undefined && CONVERTED_KEY.test(converted) && (await removeConverted(cacheDir(io.env), converted))) {
        io.stdout(`removed ${id}\n`);
        return 0;
      }
      const ref = parseHubRepoRef(id); // the same rules as pull: OWNER/NAME by the Hub's rules, a revision below refs/
      const removed = await cache.remove({ repo: ref.repo, ...(id.includes('@') ? { revision: ref.revision } : {}) });
      if (!removed) throw new CliError('CLI_INPUT_NOT_FOUND', `${id} is not in the cache (see 'clipseg models').`);
      io.stdout(`removed ${id}\n`);
      return 0;
    }
    if (positionals.length > 0) throw new CliError('CLI_USAGE', `Unknown argument '${positionals[0]}'.`);
    const models = await cache.list();
    const converted = await listConverted(cacheDir(io.env));
    const defaultBytes = await folderBytes(join(cacheDir(io.env), 'bundles', DEFAULT_BUNDLE_NAME));
    if (values.json) {
      const convertedJson = converted.map((c) => ({ id: `converted/${c.key}`, dir: c.dir, source: c.source ?? null, bytes: c.bytes }));
      io.stdout(`${JSON.stringify({ cacheDir: cacheDir(io.env), models, converted: convertedJson, defaultBundleBytes: defaultBytes })}\n`);
      return 0;
    }
    io.stdout(`cache: ${cacheDir(io.env)}\n`);
    if (models.length === 0) io.stdout('no pulled models (clipseg pull OWNER/NAME)\n');
    for (const m of models) {
      const refs = Object.entries(m.refs).map(([rev, commit]) => `${rev}→${commit.slice(0, 12)}`).join(', ');
      const bundles = m.bundles.map((b) => `${b.name.slice(0, 12)}${b.name.slice(40)} ${mb(b.bytes)}`).join(', ');
      io.stdout(`${m.repo}  [${refs}]  checkpoint ${mb(m.snapshotBytes)}  bundles: ${bundles || 'none'}\n`);
    }
    if (converted.length > 0) io.stdout('converted checkpoints (--model CHECKPOINT_DIR):\n');
    for (const c of converted) {
      io.stdout(`converted/${c.key}  from ${c.source === undefined ? '(unknown folder)' : printable(c.source)}  ${mb(c.bytes)}\n`);
    }
    if (defaultBytes > 0) io.stdout(`(built-in random default bundle: ${mb(defaultBytes)})\n`);
    return 0;
  },
};

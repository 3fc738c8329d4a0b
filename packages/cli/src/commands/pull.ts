import { BUNDLE_WEIGHT_DTYPES, HubError, isBundleWeightDType, isCLIPSegError } from '@clipseg/core';
import { cacheDir } from '../cache/cache-dir.js';
import { DEFAULT_HUB_IDLE_TIMEOUT_MS, DEFAULT_HUB_TOTAL_TIMEOUT_MS } from '../hub/hub-deadlines.js';
import { pullModel } from '../hub/pull-model.js';
import { CliError } from '../cli-error.js';
import type { CliIO, Command } from '../command.js';
import { type OptionTable, parseCommandArgs } from '../parse-options.js';
import { ProgressBar } from '../progress.js';

/** Exit status after Ctrl-C (128 + SIGINT), as shells report it. */
export const EXIT_INTERRUPTED = 130;

const usage = `Usage: clipseg pull OWNER/NAME[@REVISION] [--offline] [--dtype fp32|fp16|int8] [--json]
                   [--timeout SECONDS] [--idle-timeout SECONDS]

Downloads a CLIPSeg checkpoint from the Hugging Face Hub (config, tokenizer,
model.safetensors — or sharded safetensors, or pytorch_model.bin through the
safe loader), verifies every file's checksum, resumes interrupted downloads,
and converts it into a bundle in the cache. Afterwards, --model OWNER/NAME works
offline.

REVISION is a branch, tag, refs/pr/N or commit (default main).
--timeout       the whole pull must finish within this (default ${DEFAULT_HUB_TOTAL_TIMEOUT_MS / 1000}; 0 for none)
--idle-timeout  a request with no data for this long is given up and retried (default ${DEFAULT_HUB_IDLE_TIMEOUT_MS / 1000})
Ctrl-C stops the pull cleanly (exit ${EXIT_INTERRUPTED}); running it again resumes.

Environment: HF_ENDPOINT (Hub base URL), HF_TOKEN (gated or private repos),
CLIPSEG_CACHE (cache directory). --offline uses only the cache.
`;

function secondsOption(value: string | undefined, name: string, fallbackMs: number): number {
  if (value === undefined) return fallbackMs;
  const s = Number(value);
  if (value.trim() === '' || !Number.isFinite(s) || s < 0) throw new CliError('CLI_USAGE', `--${name} must be a number of seconds (0 for none); got '${value}'.`);
  return s === 0 ? Infinity : s * 1000;
}

/** Aborts `controller` on the first Ctrl-C (a second one ends the process as usual); returns the unsubscribe. */
function abortOnInterrupt(io: CliIO, controller: AbortController): () => void {
  const onInterrupt = () => {
    io.stderr('\ninterrupted: stopping the pull (Ctrl-C again quits at once)\n');
    controller.abort(new HubError('HUB_ABORTED', 'The pull was interrupted (Ctrl-C); run it again to resume (finished files are kept).'));
  };
  process.once('SIGINT', onInterrupt);
  return () => process.off('SIGINT', onInterrupt);
}

const optionTable = {
  offline: { type: 'boolean', default: false },
  dtype: { type: 'string', default: 'fp32' },
  json: { type: 'boolean', default: false },
  timeout: { type: 'string' },
  'idle-timeout': { type: 'string' },
} satisfies OptionTable;

/** `clipseg pull`: Hub repo → cached checkpoint + bundle. */
export const pullCommand: Command = {
  name: 'pull',
  summary: 'Download a CLIPSeg checkpoint from the Hugging Face Hub and convert it',
  usage,
  options: optionTable,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, optionTable);
    if (positionals.length !== 1) throw new CliError('CLI_USAGE', 'Give exactly one OWNER/NAME[@REVISION].');
    const dtype = values.dtype;
    if (!isBundleWeightDType(dtype)) throw new CliError('CLI_USAGE', `--dtype must be ${BUNDLE_WEIGHT_DTYPES.join(', ')}; got '${dtype}'.`);
    const totalTimeoutMs = secondsOption(values.timeout, 'timeout', DEFAULT_HUB_TOTAL_TIMEOUT_MS);
    const idleTimeoutMs = secondsOption(values['idle-timeout'], 'idle-timeout', DEFAULT_HUB_IDLE_TIMEOUT_MS);
    const bar = new ProgressBar(io);
    const controller = new AbortController();
    const unsubscribe = abortOnInterrupt(io, controller);
    let pulled;
    try {
      pulled = await pullModel(positionals[0]!, {
        cacheDir: cacheDir(io.env),
        offline: values.offline || io.env.HF_HUB_OFFLINE === '1',
        dtype,
        signal: controller.signal,
        totalTimeoutMs,
        idleTimeoutMs,
        ...(io.env.HF_ENDPOINT ? { endpoint: io.env.HF_ENDPOINT } : {}),
        ...(io.env.HF_TOKEN ? { token: io.env.HF_TOKEN } : {}),
        onProgress: (step, done, total) => bar.update(step, total ? (done ?? 0) / total : 0),
        onWait: () => io.stderr('waiting for another clipseg process pulling the same model…\n'),
      });
    } catch (error) {
      if (!controller.signal.aborted || !isCLIPSegError(error, 'HUB_ABORTED')) throw error;
      bar.done();
      io.stderr(`error[${error.code}]: ${error.message}\n`);
      return EXIT_INTERRUPTED;
    } finally {
      unsubscribe();
      bar.done();
    }
    if (values.json) io.stdout(`${JSON.stringify(pulled)}\n`);
    else io.stdout(`${pulled.repo}@${pulled.revision} (${pulled.commit.slice(0, 12)}) → ${pulled.bundleDir}\n`);
    return 0;
  },
};

import { BUNDLE_WEIGHT_DTYPES, isBundleWeightDType } from '@clipseg/core';
import { parseArgs } from 'node:util';
import { cacheDir } from '../../cache/cache-dir.js';
import { pullModel } from '../../hub/pull-model.js';
import { CliError } from '../cli-error.js';
import type { Command } from '../command.js';
import { withUsageErrors } from '../parse-options.js';
import { ProgressBar } from '../progress.js';

const usage = `Usage: clipseg pull OWNER/NAME[@REVISION] [--offline] [--dtype fp32|fp16|int8] [--json]

Downloads a CLIPSeg checkpoint from the Hugging Face Hub (config, tokenizer,
model.safetensors — or sharded safetensors, or pytorch_model.bin through the
safe loader), verifies every file's checksum, resumes interrupted downloads,
and converts it into a bundle in the cache. Afterwards, --model OWNER/NAME works
offline.

Environment: HF_ENDPOINT (Hub base URL), HF_TOKEN (gated or private repos),
CLIPSEG_CACHE (cache directory). --offline uses only the cache.
`;

/** `clipseg pull`: Hub repo → cached checkpoint + bundle. */
export const pullCommand: Command = {
  name: 'pull',
  summary: 'Download a CLIPSeg checkpoint from the Hugging Face Hub and convert it',
  usage,
  async run(args, io) {
    const { values, positionals } = withUsageErrors(() =>
      parseArgs({
        args: [...args],
        allowPositionals: true,
        strict: true,
        options: { offline: { type: 'boolean', default: false }, dtype: { type: 'string', default: 'fp32' }, json: { type: 'boolean', default: false } },
      }),
    );
    if (positionals.length !== 1) throw new CliError('CLI_USAGE', 'Give exactly one OWNER/NAME[@REVISION].');
    const dtype = values.dtype;
    if (!isBundleWeightDType(dtype)) throw new CliError('CLI_USAGE', `--dtype must be ${BUNDLE_WEIGHT_DTYPES.join(', ')}; got '${dtype}'.`);
    const bar = new ProgressBar(io);
    let pulled;
    try {
      pulled = await pullModel(positionals[0]!, {
        cacheDir: cacheDir(io.env),
        offline: values.offline || io.env.HF_HUB_OFFLINE === '1',
        dtype,
        ...(io.env.HF_ENDPOINT ? { endpoint: io.env.HF_ENDPOINT } : {}),
        ...(io.env.HF_TOKEN ? { token: io.env.HF_TOKEN } : {}),
        onProgress: (step, done, total) => bar.update(step, total ? (done ?? 0) / total : 0),
        onWait: () => io.stderr('waiting for another clipseg process pulling the same model…\n'),
      });
    } finally {
      bar.done();
    }
    if (values.json) io.stdout(`${JSON.stringify(pulled)}\n`);
    else io.stdout(`${pulled.repo}@${pulled.revision} (${pulled.commit.slice(0, 12)}) → ${pulled.bundleDir}\n`);
    return 0;
  },
};

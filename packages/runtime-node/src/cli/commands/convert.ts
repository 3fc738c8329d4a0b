import { convertCheckpoint, type ConvertProgress } from '@clipseg/convert';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createNodeBackend } from '../../backend/onnxruntime-node-backend.js';
import { directoryFileSet } from '../../files/directory-file-set.js';
import { hashFileNode, sha256Node } from '../../io/hash-file-node.js';
import { writeDirectoryAtomic } from '../../io/write-directory-atomic.js';
import { CliError } from '../cli-error.js';
import type { Command } from '../command.js';
import { withUsageErrors } from '../parse-options.js';
import { ProgressBar } from '../progress.js';
import { parseImageSize } from './image-size-option.js';

const usage = `Usage: clipseg convert CHECKPOINT_DIR BUNDLE_DIR [options]

Converts an HF CLIPSeg checkpoint (config.json + model.safetensors, sharded
safetensors or pytorch_model.bin, tokenizer files) into an ONNX bundle.
Each graph is loaded in onnxruntime before the bundle is written; the bundle
appears complete or not at all.

Options:
  --dtype fp32|fp16    how weights are stored (fp16: half the size, computed in fp32); default fp32
  --image-size N|HxW   image size of the vision graphs; default the checkpoint's preprocessor size
  --force              replace BUNDLE_DIR if it exists
`;

function describe(p: ConvertProgress): [string, number] {
  switch (p.phase) {
    case 'hash':
      return [`hashing ${p.file}`, p.index / p.count];
    case 'graphs':
      return [`writing ${p.graph}.onnx (${p.graphIndex + 1}/${p.graphCount})`, p.bytesTotal === 0 ? 1 : p.bytesDone / p.bytesTotal];
    case 'validate':
      return [`checking ${p.graph}.onnx in onnxruntime (${p.index + 1}/${p.count})`, p.index / p.count];
  }
}

/** `clipseg convert`: checkpoint folder → ONNX bundle. */
export const convertCommand: Command = {
  name: 'convert',
  summary: 'Convert an HF CLIPSeg checkpoint folder into an ONNX bundle',
  usage,
  async run(args, io) {
    const { values, positionals } = withUsageErrors(() =>
      parseArgs({
        args: [...args],
        allowPositionals: true,
        strict: true,
        options: { dtype: { type: 'string', default: 'fp32' }, 'image-size': { type: 'string' }, force: { type: 'boolean', default: false } },
      }),
    );
    if (positionals.length !== 2) throw new CliError('CLI_USAGE', 'Give CHECKPOINT_DIR and BUNDLE_DIR.');
    const dtype = values.dtype;
    if (dtype !== 'fp32' && dtype !== 'fp16') throw new CliError('CLI_USAGE', `--dtype must be fp32 or fp16, got '${dtype}'.`);
    const imageSize = parseImageSize(values['image-size']);
    const source = resolve(io.cwd, positionals[0]!);
    const target = resolve(io.cwd, positionals[1]!);
    if (!(await stat(source).then((s) => s.isDirectory(), () => false))) {
      throw new CliError('CLI_INPUT_NOT_FOUND', `${source} is not a directory; pass the folder holding config.json and the weights.`);
    }
    if (!values.force && (await stat(target).then(() => true, () => false))) {
      throw new CliError('CLI_OUTPUT_EXISTS', `${target} already exists; choose another folder or pass --force to replace it.`);
    }
    const bar = new ProgressBar(io);
    const started = Date.now();
    let bundle;
    try {
      bundle = await convertCheckpoint(directoryFileSet(source), {
        dtype,
        ...(imageSize ? { imageSize } : {}),
        validateWith: createNodeBackend(),
        hashSourceFile: (name) => hashFileNode(join(source, name)),
        sha256: sha256Node,
        onProgress: (p) => bar.update(...describe(p)),
      });
      bar.update('writing bundle', 1);
      await writeDirectoryAtomic(target, bundle.files.entries(), { force: values.force });
    } finally {
      bar.done();
    }
    const bytes = [...bundle.files.values()].reduce((n, f) => n + f.byteLength, 0);
    const { height, width } = bundle.manifest.imageSize;
    io.stderr(`Wrote ${target} (${(bytes / 1e6).toFixed(1)} MB, ${dtype}, ${height}x${width}) in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
    return 0;
  },
};

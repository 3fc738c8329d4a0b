import { ATTENTION_KINDS, SINGLE_MODEL_FILE, convertCheckpoint, convertCheckpointSingle, isAttentionKind, type SingleConvertProgress } from '@clipseg/convert';
import { BUNDLE_OPTIONAL_GRAPH_NAMES, BUNDLE_WEIGHT_DTYPES, isBundleOptionalGraphName, isBundleWeightDType, type BundleOptionalGraphName } from '@clipseg/core';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createNodeBackend, directoryFileSet, writeDirectoryAtomic } from '@clipseg/runtime-node';
import { checkReplaceable, hashFileNode, joinInside, OUTPUT_MARKER_FILE, outputMarker, type ReplaceRule, sha256Node } from '@clipseg/runtime-node/io';
import { CliError } from '../cli-error.js';
import type { Command } from '../command.js';
import { type OptionTable, parseCommandArgs } from '../parse-options.js';
import { ProgressBar } from '../progress.js';
import { parseImageSize } from './image-size-option.js';

const usage = `Usage: clipseg convert CHECKPOINT_DIR BUNDLE_DIR [options]

Converts an HF CLIPSeg checkpoint (config.json + model.safetensors, sharded
safetensors or pytorch_model.bin, tokenizer files) into an ONNX bundle.
Each graph is loaded in onnxruntime before the bundle is written; the bundle
appears complete or not at all.

Options:
  --dtype fp32|fp16|int8
                       how weights are stored; default fp32. fp16: half the size, computed in
                       fp32. int8: Linear layers quantised per output channel (a quarter of the
                       size, about 2x faster on CPUs with int8 dot products; not exact: see
                       docs/benchmarks.md for its measured error)
  --attention standard|fused
                       the decoder's attention: standard (default: plain ONNX, exact on every
                       backend) or fused (onnxruntime's MultiHeadAttention: faster on CPU with
                       many prompts, but onnxruntime-web's WebGPU kernel misses the goldens)
  --image-size N|HxW   image size of the vision graphs; default the checkpoint's preprocessor size
  --layout bundle|single
                       bundle (default): the clipseg bundle (four graphs + manifest.json) that
                       loadCLIPSeg and --model read. single: one graph, onnx/model.onnx, with HF's
                       I/O (input_ids, pixel_values of ONE image, attention_mask -> logits), plus
                       config, preprocessor and tokenizer files (tokenizer.json written from
                       vocab.json + merges.txt when absent): the folder transformers.js loads
  --optional-graphs LIST
                       also write bundle format 2's optional graphs for the HF model classes, comma-separated:
                       text_model, vision_model, decoder_hidden_states, or all (each adds its own weights;
                       all three roughly double the size). The default segmentation path is unchanged.
  --force              replace BUNDLE_DIR if it exists, but only a bundle clipseg wrote (one with its
                       manifest.json; with --layout single, a folder 'convert --layout single' wrote, marked
                       by ${OUTPUT_MARKER_FILE}), and never CHECKPOINT_DIR or a folder holding it
`;

const optionTable = {
  dtype: { type: 'string', default: 'fp32' },
  attention: { type: 'string', default: 'standard' },
  'image-size': { type: 'string' },
  layout: { type: 'string', default: 'bundle' },
  'optional-graphs': { type: 'string' },
  force: { type: 'boolean', default: false },
} as const satisfies OptionTable;

function parseOptionalGraphs(value: string | undefined): BundleOptionalGraphName[] {
  if (value === undefined) return [];
  const names = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 1 && names[0] === 'all') return [...BUNDLE_OPTIONAL_GRAPH_NAMES];
  for (const name of names) {
    if (!isBundleOptionalGraphName(name)) throw new CliError('CLI_USAGE', `--optional-graphs takes ${BUNDLE_OPTIONAL_GRAPH_NAMES.join(', ')} or all, got '${name}'.`);
  }
  return names as BundleOptionalGraphName[];
}

function describe(p: SingleConvertProgress): [string, number] {
  switch (p.phase) {
    case 'merge':
      return ['composing onnx/model.onnx', 0];
    case 'validate-single':
      return ['checking onnx/model.onnx in onnxruntime', 0.5];
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
  options: optionTable,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, optionTable);
    if (positionals.length !== 2) throw new CliError('CLI_USAGE', 'Give CHECKPOINT_DIR and BUNDLE_DIR.');
    const dtype = values.dtype;
    if (!isBundleWeightDType(dtype)) throw new CliError('CLI_USAGE', `--dtype must be ${BUNDLE_WEIGHT_DTYPES.join(', ')}; got '${dtype}'.`);
    const attention = values.attention;
    if (!isAttentionKind(attention)) throw new CliError('CLI_USAGE', `--attention must be ${ATTENTION_KINDS.join(' or ')}, got '${attention}'.`);
    const layout = values.layout;
    if (layout !== 'bundle' && layout !== 'single') throw new CliError('CLI_USAGE', `--layout must be bundle or single, got '${layout}'.`);
    const imageSize = parseImageSize(values['image-size']);
    const optionalGraphs = parseOptionalGraphs(values['optional-graphs']);
    if (optionalGraphs.length > 0 && layout === 'single') throw new CliError('CLI_USAGE', '--optional-graphs applies to --layout bundle only.');
    const source = resolve(io.cwd, positionals[0]!);
    const target = resolve(io.cwd, positionals[1]!);
    if (!(await stat(source).then((s) => s.isDirectory(), () => false))) {
      throw new CliError('CLI_INPUT_NOT_FOUND', `${source} is not a directory; pass the folder holding config.json and the weights.`);
    }
    if (!values.force && (await stat(target).then(() => true, () => false))) {
      throw new CliError('CLI_OUTPUT_EXISTS', `${target} already exists; choose another folder or pass --force to replace it.`);
    }
    // Checked now, before the long conversion, and again by the writer just before replacing.
    const replace: ReplaceRule = { force: values.force, kind: layout === 'single' ? 'single-layout' : 'bundle', keep: [source] };
    await checkReplaceable(target, replace);
    const bar = new ProgressBar(io);
    const started = Date.now();
    const common = {
      dtype,
      attention,
      ...(imageSize ? { imageSize } : {}),
      validateWith: createNodeBackend(),
      hashSourceFile: (name: string) => hashFileNode(joinInside(source, name, 'the file name')),
      sha256: sha256Node,
      onProgress: (p: SingleConvertProgress) => bar.update(...describe(p)),
    };
    let files: ReadonlyMap<string, Uint8Array>;
    let size: { height: number; width: number };
    try {
      if (layout === 'single') {
        const single = await convertCheckpointSingle(directoryFileSet(source), common);
        bar.update('writing folder', 1);
        await writeDirectoryAtomic(target, [...single.files, [OUTPUT_MARKER_FILE, outputMarker('single-layout', 'clipseg convert --layout single')]], replace);
        ({ files, imageSize: size } = single);
      } else {
        const bundle = await convertCheckpoint(directoryFileSet(source), { ...common, optionalGraphs });
        bar.update('writing bundle', 1);
        await writeDirectoryAtomic(target, bundle.files.entries(), replace);
        ({ files } = bundle);
        size = bundle.manifest.imageSize;
      }
    } finally {
      bar.done();
    }
    const bytes = [...files.values()].reduce((n, f) => n + f.byteLength, 0);
    const what = layout === 'single' ? `, single graph ${SINGLE_MODEL_FILE}` : '';
    io.stderr(`Wrote ${target} (${(bytes / 1e6).toFixed(1)} MB, ${dtype}, ${size.height}x${size.width}${what}) in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
    return 0;
  },
};

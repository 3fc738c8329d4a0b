/**
 * Checkpoint → the single-graph folder transformers.js loads (`onnx/model.onnx` + HF config, preprocessor and
 * tokenizer files).
 *
 * @module
 */
import { CLIPSegConfig, type Backend, type BundleGraphName, type FileSet, type GraphContract, type ImageSize } from '@clipseg/core';
import { CONVERTER_ID, TOKENIZER_FILES, convertCheckpoint, type ConvertOptions, type ConvertProgress } from '../bundle/convert-checkpoint.js';
import { ConvertError } from '../graphs/convert-error.js';
import { tokenizerJsonFor } from '../tokenizer-json/clip-tokenizer-json.js';
import { SINGLE_MODEL_FILE, buildSingleModel, singleModelContract } from './single-model.js';

/** A step of {@link convertCheckpointSingle}: the bundle conversion's steps, then the merge and its check. */
export type SingleConvertProgress = ConvertProgress | { readonly phase: 'merge' } | { readonly phase: 'validate-single' };

/** Options of {@link convertCheckpointSingle}: those of `convertCheckpoint`, applied to the single model. */
export interface SingleConvertOptions extends Omit<ConvertOptions, 'onProgress' | 'validateWith'> {
  /** Receives progress events. */
  readonly onProgress?: (progress: SingleConvertProgress) => void;
  /** When given, the single model is loaded in this backend and its I/O checked against its contract. */
  readonly validateWith?: Backend;
}

/** The files of a single-graph folder, ready to write. */
export interface SingleLayout {
  /** Folder-relative path → bytes: `onnx/model.onnx`, `config.json`, `preprocessor_config.json`, tokenizer files. */
  readonly files: ReadonlyMap<string, Uint8Array>;
  /** The model's I/O. */
  readonly contract: GraphContract;
  /** Its input image size. */
  readonly imageSize: ImageSize;
}

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

async function validateSingle(backend: Backend, model: Uint8Array, contract: GraphContract): Promise<void> {
  let session;
  try {
    session = await backend.createSession(model);
  } catch (error) {
    throw new ConvertError('CONVERT_GRAPH_INVALID', `The single-graph model does not load in ${backend.name}: ${(error as Error).message}`, { cause: error });
  }
  try {
    const inputs = contract.inputs.map((s) => s.name);
    const outputs = contract.outputs.map((s) => s.name);
    if (!same(session.inputNames, inputs) || !same(session.outputNames, outputs)) {
      throw new ConvertError(
        'CONVERT_GRAPH_INVALID',
        `The single-graph model has inputs [${session.inputNames.join(', ')}] and outputs [${session.outputNames.join(', ')}], but its contract says [${inputs.join(', ')}] and [${outputs.join(', ')}].`,
      );
    }
  } finally {
    await session.dispose();
  }
}

/**
 * Converts an HF CLIPSeg checkpoint into the single-graph layout of transformers.js / optimum exports:
 * `onnx/model.onnx` (see `singleModelContract`: text prompts × one image → logits), `config.json`,
 * `preprocessor_config.json`, `tokenizer.json` (the checkpoint's, or written from `vocab.json` + `merges.txt` as
 * transformers' CLIPConverter would), and the checkpoint's other tokenizer files. The graphs are those of
 * `convertCheckpoint` (same options, same numerics), composed without change. Runs anywhere (no `node:` imports).
 *
 * Peak memory is about twice the model: the bundle's graphs and the merged copy.
 *
 * @throws everything `convertCheckpoint` throws; `ModelMergeError` if the bundle graphs cannot be composed;
 * `ConvertError` `CONVERT_GRAPH_INVALID` when `validateWith` refuses the model.
 */
export async function convertCheckpointSingle(files: FileSet, options: SingleConvertOptions = {}): Promise<SingleLayout> {
  const { validateWith, onProgress, ...rest } = options;
  const bundle = await convertCheckpoint(files, { ...rest, ...(onProgress ? { onProgress } : {}) });
  const read = (path: string): Uint8Array => {
    const bytes = bundle.files.get(path);
    if (!bytes) throw new ConvertError('CONVERT_MISSING_FILE', `The converted bundle lacks ${path} (internal error).`);
    return bytes;
  };
  const graph = (name: BundleGraphName) => read(bundle.manifest.graphs[name].path);
  const config = CLIPSegConfig.fromJSON(new TextDecoder().decode(read(bundle.manifest.files.config.path)));
  const imageSize = { ...bundle.manifest.imageSize };

  onProgress?.({ phase: 'merge' });
  const model = buildSingleModel({ text_encoder: graph('text_encoder'), vision_encoder: graph('vision_encoder'), decoder: graph('decoder') }, config, imageSize, {
    producerVersion: CONVERTER_ID,
    metadata: { 'clipseg.weights_dtype': bundle.manifest.dtype },
  });
  const contract = singleModelContract(config, imageSize);
  if (validateWith) {
    onProgress?.({ phase: 'validate-single' });
    await validateSingle(validateWith, model, contract);
  }

  const out = new Map<string, Uint8Array>([
    ['config.json', read(bundle.manifest.files.config.path)],
    ['preprocessor_config.json', read(bundle.manifest.files.preprocessor.path)],
  ]);
  for (const name of TOKENIZER_FILES) {
    const bytes = bundle.files.get(name);
    if (bytes) out.set(name, bytes);
  }
  const tokenizerJson = await tokenizerJsonFor(files);
  if (!tokenizerJson) throw new ConvertError('CONVERT_MISSING_FILE', `${files.location} has no tokenizer.json and no vocab.json + merges.txt to write one from.`);
  out.set('tokenizer.json', tokenizerJson);
  if (!out.has('tokenizer_config.json')) {
    const max = config.text_config.max_position_embeddings;
    const minimal = { model_max_length: max, bos_token: '<|startoftext|>', eos_token: '<|endoftext|>', pad_token: '<|endoftext|>', unk_token: '<|endoftext|>', tokenizer_class: 'CLIPTokenizer' };
    out.set('tokenizer_config.json', new TextEncoder().encode(`${JSON.stringify(minimal, null, 2)}\n`));
  }
  out.set(SINGLE_MODEL_FILE, model);
  return { files: out, contract, imageSize };
}

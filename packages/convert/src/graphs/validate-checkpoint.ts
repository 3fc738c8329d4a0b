/**
 * Checks a checkpoint against a config before conversion and reports every problem at once: missing,
 * unexpected and mis-shaped tensors, and the config fields the weights contradict.
 *
 * @module
 */
import type { CheckpointReader, CheckpointTensorInfo } from '../checkpoint/checkpoint-reader.js';
import type { CLIPSegGraphConfig } from './clipseg-graph-config.js';
import type { CheckpointProblem } from './convert-error.js';
import { ConvertError } from './convert-error.js';
import { DECODER_PREFIX, expectedParameters, isIgnoredTensor, TEXT_PREFIX, VISION_PREFIX } from './expected-parameters.js';

/** What a successful {@link validateCheckpoint} saw. */
export interface CheckpointSummary {
  /** Parameters checked (all present with the right shape). */
  readonly parameters: number;
  /** Tensors skipped on purpose (`*.position_ids` buffers). */
  readonly ignored: readonly string[];
}

const formatShape = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

function sameShape(expected: readonly number[], actual: readonly number[]): boolean {
  // HF's logit_scale is a 0-d parameter; many files store it as [1].
  if (expected.length === 0) return actual.reduce((a, b) => a * b, 1) === 1;
  return expected.length === actual.length && expected.every((d, i) => d === actual[i]);
}

/** Number of layers `<prefix>.<i>.…` present (highest index + 1), or undefined when there are none. */
function countLayers(names: readonly string[], prefix: string): number | undefined {
  let highest = -1;
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const index = Number.parseInt(name.slice(prefix.length), 10);
    if (Number.isSafeInteger(index)) highest = Math.max(highest, index);
  }
  return highest < 0 ? undefined : highest + 1;
}

/** Config values the weights imply, each compared with the config. */
function configMismatches(config: CLIPSegGraphConfig, tensors: ReadonlyMap<string, CheckpointTensorInfo>): CheckpointProblem[] {
  const problems: CheckpointProblem[] = [];
  const names = [...tensors.keys()];
  const dim = (name: string, axis: number): number | undefined => tensors.get(name)?.shape[axis];
  const compare = (field: string, configured: number | boolean, implied: number | boolean | undefined, evidence: string): void => {
    if (implied === undefined || implied === configured) return;
    problems.push({
      code: 'CONVERT_CONFIG_MISMATCH',
      name: field,
      expected: String(configured),
      actual: String(implied),
      message: `config says ${field} = ${String(configured)}, but the weights imply ${String(implied)} (${evidence})`,
    });
  };
  const text = config.text_config;
  const vision = config.vision_config;
  const tokens = `${TEXT_PREFIX}.embeddings.token_embedding.weight`;
  compare('text_config.vocab_size', text.vocab_size, dim(tokens, 0), tokens);
  compare('text_config.hidden_size', text.hidden_size, dim(tokens, 1), tokens);
  compare('text_config.max_position_embeddings', text.max_position_embeddings, dim(`${TEXT_PREFIX}.embeddings.position_embedding.weight`, 0), 'text position_embedding');
  compare('text_config.intermediate_size', text.intermediate_size, dim(`${TEXT_PREFIX}.encoder.layers.0.mlp.fc1.weight`, 0), 'text layer 0 fc1');
  compare('text_config.num_hidden_layers', text.num_hidden_layers, countLayers(names, `${TEXT_PREFIX}.encoder.layers.`), 'text encoder layers present');
  compare('vision_config.hidden_size', vision.hidden_size, dim(`${VISION_PREFIX}.embeddings.class_embedding`, 0), 'class_embedding');
  const patch = `${VISION_PREFIX}.embeddings.patch_embedding.weight`;
  compare('vision_config.num_channels', vision.num_channels, dim(patch, 1), patch);
  compare('vision_config.patch_size', vision.patch_size, dim(patch, 2), patch);
  const positions = dim(`${VISION_PREFIX}.embeddings.position_embedding.weight`, 0);
  const patchSize = dim(patch, 2) ?? vision.patch_size;
  if (positions !== undefined) {
    const side = Math.round(Math.sqrt(positions - 1));
    compare('vision_config.image_size', vision.image_size, side * side === positions - 1 ? side * patchSize : undefined, `${positions} vision positions`);
  }
  compare('vision_config.intermediate_size', vision.intermediate_size, dim(`${VISION_PREFIX}.encoder.layers.0.mlp.fc1.weight`, 0), 'vision layer 0 fc1');
  compare('vision_config.num_hidden_layers', vision.num_hidden_layers, countLayers(names, `${VISION_PREFIX}.encoder.layers.`), 'vision encoder layers present');
  compare('projection_dim', config.projection_dim, dim('clip.visual_projection.weight', 0) ?? dim('clip.text_projection.weight', 0), 'visual_projection');
  compare('reduce_dim', config.reduce_dim, dim(`${DECODER_PREFIX}.film_mul.weight`, 0), 'film_mul');
  compare('decoder_intermediate_size', config.decoder_intermediate_size, dim(`${DECODER_PREFIX}.layers.0.mlp.fc1.weight`, 0), 'decoder layer 0 fc1');
  compare('extract_layers.length', config.extract_layers.length, countLayers(names, `${DECODER_PREFIX}.layers.`), 'decoder layers present');
  const head = `${DECODER_PREFIX}.transposed_convolution`;
  const refined = tensors.has(`${head}.0.weight`) ? true : tensors.has(`${head}.weight`) ? false : undefined;
  compare('use_complex_transposed_convolution', config.use_complex_transposed_convolution, refined, refined ? `${head}.0.weight present` : `${head}.weight present`);
  return problems;
}

/**
 * Lists every problem of `reader`'s tensors against `config`: config fields contradicted by the weights,
 * missing parameters, mis-shaped ones and unexpected tensors (`*.position_ids` buffers are ignored).
 *
 * @returns the problems, empty when the checkpoint fits the config.
 */
export function inspectCheckpoint(config: CLIPSegGraphConfig, reader: Pick<CheckpointReader, 'list'>): CheckpointProblem[] {
  const expected = expectedParameters(config);
  const tensors = new Map<string, CheckpointTensorInfo>();
  for (const info of reader.list()) if (!isIgnoredTensor(info.name)) tensors.set(info.name, info);
  const problems = configMismatches(config, tensors);
  for (const [name, shape] of expected) {
    const info = tensors.get(name);
    if (info === undefined) {
      problems.push({ code: 'CONVERT_MISSING_TENSORS', name, expected: shape, message: `missing ${name} ${formatShape(shape)}` });
    } else if (!sameShape(shape, info.shape)) {
      problems.push({
        code: 'CONVERT_SHAPE_MISMATCH',
        name,
        expected: shape,
        actual: [...info.shape],
        message: `${name} is ${formatShape(info.shape)}, expected ${formatShape(shape)}`,
      });
    }
  }
  for (const [name, info] of tensors) {
    if (!expected.has(name)) {
      problems.push({ code: 'CONVERT_UNEXPECTED_TENSORS', name, actual: [...info.shape], message: `unexpected ${name} ${formatShape(info.shape)}` });
    }
  }
  return problems;
}

const CODE_ORDER: readonly CheckpointProblem['code'][] = ['CONVERT_CONFIG_MISMATCH', 'CONVERT_MISSING_TENSORS', 'CONVERT_SHAPE_MISMATCH', 'CONVERT_UNEXPECTED_TENSORS'];
const TITLES: Readonly<Record<CheckpointProblem['code'], string>> = {
  CONVERT_CONFIG_MISMATCH: 'config mismatches',
  CONVERT_MISSING_TENSORS: 'missing tensors',
  CONVERT_SHAPE_MISMATCH: 'shape mismatches',
  CONVERT_UNEXPECTED_TENSORS: 'unexpected tensors',
};
const LISTED_PER_KIND = 12;

/**
 * Checks that `reader` holds exactly the parameters `config` requires, with the right shapes.
 *
 * @returns a summary when the checkpoint fits.
 * @throws {@link ConvertError} listing every problem in `problems` (the message names up to 12 of each kind).
 * Its `code` is the first kind present in the order `CONVERT_CONFIG_MISMATCH` (which usually explains the
 * others), `CONVERT_MISSING_TENSORS`, `CONVERT_SHAPE_MISMATCH`, `CONVERT_UNEXPECTED_TENSORS`.
 */
export function validateCheckpoint(config: CLIPSegGraphConfig, reader: Pick<CheckpointReader, 'list' | 'source'>): CheckpointSummary {
  const problems = inspectCheckpoint(config, reader);
  const ignored = reader.list().filter((t) => isIgnoredTensor(t.name)).map((t) => t.name);
  if (problems.length === 0) return { parameters: expectedParameters(config).size, ignored };
  const sections: string[] = [];
  for (const code of CODE_ORDER) {
    const ofKind = problems.filter((p) => p.code === code);
    if (ofKind.length === 0) continue;
    const listed = ofKind.slice(0, LISTED_PER_KIND).map((p) => `  - ${p.message}`);
    if (ofKind.length > LISTED_PER_KIND) listed.push(`  - … and ${ofKind.length - LISTED_PER_KIND} more`);
    sections.push(`${ofKind.length} ${TITLES[code]}:\n${listed.join('\n')}`);
  }
  const code = CODE_ORDER.find((c) => problems.some((p) => p.code === c))!;
  const hint =
    code === 'CONVERT_CONFIG_MISMATCH'
      ? 'Use the config.json that was saved with these weights.'
      : 'Check that the checkpoint is a CLIPSegForImageSegmentation state_dict matching this config.';
  throw new ConvertError(code, `Checkpoint ${reader.source} does not fit the config (${problems.length} problems). ${hint}\n${sections.join('\n')}`, {
    problems,
    details: { source: reader.source, counts: Object.fromEntries(CODE_ORDER.map((c) => [c, problems.filter((p) => p.code === c).length])) },
  });
}

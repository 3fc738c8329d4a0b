import { checkFloat32Output } from '../tensor/float32-output.js';
import type { Session } from '../backend/backend.js';
import type { BundleGraphEntry, BundleGraphName, BundleManifest } from '../bundle/bundle-manifest.js';
import type { Tensor } from '../tensor/tensor.js';
import { PipelineError } from './pipeline-error.js';

/** The input and output names the pipeline feeds and fetches, per graph. */
export interface GraphNames {
  /** Every input the graph must have, and nothing else. */
  readonly inputs: readonly string[];
  /** Outputs the pipeline fetches (the graph may have more). */
  readonly outputs: readonly string[];
}

/** Name of the vision output / decoder input that holds the activation of `extract_layers[index]` (`activation_k`). */
export function activationName(index: number): string {
  return `activation_${index}`;
}

/** Input of the image_projector graph. */
export const PROJECTOR_INPUT = 'hidden_state';
/** Output of the image_projector graph. */
export const PROJECTOR_OUTPUT = 'image_embeds';
/** Input of the text_encoder graph. */
export const TEXT_INPUT = 'input_ids';
/** Output of the text_encoder graph. */
export const TEXT_OUTPUT = 'text_embeds';
/** Input of the vision_encoder graph. */
export const VISION_INPUT = 'pixel_values';
/** Decoder input holding the prompts' embeddings. */
export const DECODER_CONDITION = 'conditional_embeddings';
/** Output of the decoder graph. */
export const DECODER_OUTPUT = 'logits';

/**
 * Index k of the vision activation `activation_k` that feeds the image_projector: the deepest extract layer, i.e.
 * the position of `max(extract_layers)` (the same rule as @clipseg/convert's `projectorInputActivation`).
 */
export function projectorActivationIndex(extractLayers: readonly number[]): number {
  return extractLayers.indexOf(Math.max(...extractLayers));
}

/** The names each graph of a bundle must have for a model with `activationCount` extract layers. */
export function expectedGraphNames(activationCount: number): Readonly<Record<BundleGraphName, GraphNames>> {
  const activations = Array.from({ length: activationCount }, (_, i) => activationName(i));
  return {
    text_encoder: { inputs: [TEXT_INPUT], outputs: [TEXT_OUTPUT] },
    vision_encoder: { inputs: [VISION_INPUT], outputs: activations },
    image_projector: { inputs: [PROJECTOR_INPUT], outputs: [PROJECTOR_OUTPUT] },
    decoder: { inputs: [...activations, DECODER_CONDITION], outputs: [DECODER_OUTPUT] },
  };
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && new Set(a).size === a.length && b.every((n) => a.includes(n));

function mismatch(graph: BundleGraphName, what: string, expected: readonly string[], actual: readonly string[], fix: string): PipelineError {
  return new PipelineError(
    'PIPELINE_GRAPH_MISMATCH',
    `The ${graph} graph ${what}: expected ${expected.join(', ') || '(none)'}, got ${actual.join(', ') || '(none)'}. ${fix}`,
    { details: { graph, expected: [...expected], actual: [...actual] } },
  );
}

/**
 * Checks that the manifest's contract of every graph has the inputs the pipeline feeds (exactly) and the outputs
 * it fetches (at least).
 *
 * @throws {@link PipelineError} `PIPELINE_GRAPH_MISMATCH`
 */
export function checkManifestGraphs(manifest: BundleManifest, activationCount: number): void {
  const expected = expectedGraphNames(activationCount);
  for (const graph of Object.keys(expected) as BundleGraphName[]) {
    const entry = manifest.graphs[graph];
    const want = expected[graph];
    const inputs = entry.inputs.map((s) => s.name);
    const outputs = entry.outputs.map((s) => s.name);
    const fix = `config.json's extract_layers has ${activationCount} entries; the bundle was not converted from this config. Re-convert the checkpoint.`;
    if (!sameSet(inputs, want.inputs)) throw mismatch(graph, 'inputs in manifest.json are not the ones the pipeline feeds', want.inputs, inputs, fix);
    const missing = want.outputs.filter((n) => !outputs.includes(n));
    if (missing.length > 0) throw mismatch(graph, 'outputs in manifest.json lack what the pipeline reads', want.outputs, outputs, fix);
  }
}

/**
 * Checks that a loaded session has exactly the inputs and outputs its manifest entry declares.
 *
 * @throws {@link PipelineError} `PIPELINE_GRAPH_MISMATCH`
 */
export function checkSessionIO(graph: BundleGraphName, session: Pick<Session, 'inputNames' | 'outputNames'>, entry: BundleGraphEntry): void {
  const fix = `${entry.path} does not match manifest.json; the bundle is damaged or mixed with another one. Re-convert or re-download it.`;
  const inputs = entry.inputs.map((s) => s.name);
  const outputs = entry.outputs.map((s) => s.name);
  if (!sameSet(session.inputNames, inputs)) throw mismatch(graph, "session's inputs differ from manifest.json", inputs, session.inputNames, fix);
  if (!sameSet(session.outputNames, outputs)) throw mismatch(graph, "session's outputs differ from manifest.json", outputs, session.outputNames, fix);
}

/**
 * A float32 output of a run with the expected rank and leading sizes (`undefined` entries are not checked).
 *
 * @throws {@link PipelineError} `PIPELINE_OUTPUT_INVALID`
 */
export function float32Output(outputs: Readonly<Record<string, Tensor>>, graph: BundleGraphName, name: string, dims: readonly (number | undefined)[]): Tensor<'float32'> {
  return checkFloat32Output(outputs, graph, name, dims, (message, details) => new PipelineError('PIPELINE_OUTPUT_INVALID', message, { details }));
}

/**
 * Checks that a bundle's files describe one model: the manifest's graph contracts carry the names the readers use,
 * and `config.json`, `preprocessor_config.json` and the manifest agree on sizes.
 *
 * @module
 */
import type { CLIPSegConfig } from '../config/clipseg-config.js';
import type { ViTImageProcessorConfig } from '../config/preprocessor-config.js';
import { PipelineError } from '../pipeline/pipeline-error.js';
import type { BundleManifest } from './bundle-manifest.js';
import { DECODER_CONDITION, expectedGraphNames, PROJECTOR_OUTPUT, TEXT_OUTPUT, VISION_INPUT, type BundleGraphName } from './graph-names.js';

/** True when `a` and `b` hold the same names, each once. @internal */
export const sameNameSet = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && new Set(a).size === a.length && b.every((n) => a.includes(n));

/** A `PIPELINE_GRAPH_MISMATCH` naming what was expected and what was found. @internal */
export function graphMismatch(graph: BundleGraphName, what: string, expected: readonly string[], actual: readonly string[], fix: string): PipelineError {
  return new PipelineError(
    'PIPELINE_GRAPH_MISMATCH',
    `The ${graph} graph ${what}: expected ${expected.join(', ') || '(none)'}, got ${actual.join(', ') || '(none)'}. ${fix}`,
    { details: { graph, expected: [...expected], actual: [...actual] } },
  );
}

/**
 * Checks that the manifest's contract of every default graph has the inputs the pipeline feeds (exactly) and the
 * outputs it fetches (at least).
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
    if (!sameNameSet(inputs, want.inputs)) throw graphMismatch(graph, 'inputs in manifest.json are not the ones the pipeline feeds', want.inputs, inputs, fix);
    const missing = want.outputs.filter((n) => !outputs.includes(n));
    if (missing.length > 0) throw graphMismatch(graph, 'outputs in manifest.json lack what the pipeline reads', want.outputs, outputs, fix);
  }
}

function disagree(message: string, details: Record<string, unknown>): PipelineError {
  return new PipelineError('PIPELINE_BUNDLE_MISMATCH', `${message} The bundle's files come from different models; re-convert the checkpoint.`, { details });
}

/**
 * Checks that `config.json`, `preprocessor_config.json` and the manifest describe the same model.
 *
 * @throws {@link PipelineError} `PIPELINE_GRAPH_MISMATCH` or `PIPELINE_BUNDLE_MISMATCH`
 */
export function checkConsistency(manifest: BundleManifest, config: CLIPSegConfig, pre: ViTImageProcessorConfig): void {
  checkManifestGraphs(manifest, config.extract_layers.length);
  const dimOf = (graph: BundleGraphName, io: 'inputs' | 'outputs', name: string, axis: number) => manifest.graphs[graph][io].find((s) => s.name === name)?.dims[axis];
  const projection: [BundleGraphName, 'inputs' | 'outputs', string][] = [
    ['text_encoder', 'outputs', TEXT_OUTPUT],
    ['image_projector', 'outputs', PROJECTOR_OUTPUT],
    ['decoder', 'inputs', DECODER_CONDITION],
  ];
  for (const [graph, io, name] of projection) {
    const dim = dimOf(graph, io, name, 1);
    if (typeof dim === 'number' && dim !== config.projection_dim) {
      throw disagree(`manifest.json gives ${graph}'s ${name} width ${dim}, but config.json's projection_dim is ${config.projection_dim}.`, {
        graph,
        name,
        expected: config.projection_dim,
        actual: dim,
      });
    }
  }
  const channels = dimOf('vision_encoder', 'inputs', VISION_INPUT, 1);
  if (typeof channels === 'number' && channels !== config.vision_config.num_channels) {
    throw disagree(`manifest.json's pixel_values has ${channels} channels, but config.json's vision_config.num_channels is ${config.vision_config.num_channels}.`, {
      expected: config.vision_config.num_channels,
      actual: channels,
    });
  }
  const size = manifest.imageSize;
  if (pre.do_resize && (pre.size.height !== size.height || pre.size.width !== size.width)) {
    throw disagree(
      `preprocessor_config.json resizes to ${pre.size.height}×${pre.size.width}, but the graphs take ${size.height}×${size.width} (manifest.json imageSize).`,
      { expected: { ...size }, actual: { ...pre.size } },
    );
  }
}

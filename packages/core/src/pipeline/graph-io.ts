import { checkFloat32Output } from '../tensor/float32-output.js';
import type { Session } from '../backend/backend.js';
import { graphMismatch, sameNameSet } from '../bundle/bundle-consistency.js';
import type { BundleGraphEntry } from '../bundle/bundle-manifest.js';
import type { BundleGraphName } from '../bundle/graph-names.js';
import type { Tensor } from '../tensor/tensor.js';
import { PipelineError } from './pipeline-error.js';

/**
 * Checks that a loaded session has exactly the inputs and outputs its manifest entry declares.
 *
 * @throws {@link PipelineError} `PIPELINE_GRAPH_MISMATCH`
 */
export function checkSessionIO(graph: BundleGraphName, session: Pick<Session, 'inputNames' | 'outputNames'>, entry: BundleGraphEntry): void {
  const fix = `${entry.path} does not match manifest.json; the bundle is damaged or mixed with another one. Re-convert or re-download it.`;
  const inputs = entry.inputs.map((s) => s.name);
  const outputs = entry.outputs.map((s) => s.name);
  if (!sameNameSet(session.inputNames, inputs)) throw graphMismatch(graph, "session's inputs differ from manifest.json", inputs, session.inputNames, fix);
  if (!sameNameSet(session.outputNames, outputs)) throw graphMismatch(graph, "session's outputs differ from manifest.json", outputs, session.outputNames, fix);
}

/**
 * A float32 output of a run with the expected rank and leading sizes (`undefined` entries are not checked).
 *
 * @throws {@link PipelineError} `PIPELINE_OUTPUT_INVALID`
 */
export function float32Output(outputs: Readonly<Record<string, Tensor>>, graph: BundleGraphName, name: string, dims: readonly (number | undefined)[]): Tensor<'float32'> {
  return checkFloat32Output(outputs, graph, name, dims, (message, details) => new PipelineError('PIPELINE_OUTPUT_INVALID', message, { details }));
}

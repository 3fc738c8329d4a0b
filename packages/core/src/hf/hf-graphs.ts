import type { BundleManifest } from '../bundle/bundle-manifest.js';
import { BUNDLE_OPTIONAL_GRAPH_NAMES, optionalGraphNames } from '../bundle/graph-names.js';
import type { CLIPSegConfig } from '../config/clipseg-config.js';
import { HFModelError } from './hf-error.js';

/**
 * Checks the manifest contract of every optional graph the bundle has against `config`.
 *
 * @throws {@link HFModelError} `HF_GRAPH_MISMATCH`
 */
export function checkOptionalContracts(manifest: BundleManifest, config: CLIPSegConfig): void {
  const expected = optionalGraphNames(config);
  for (const graph of BUNDLE_OPTIONAL_GRAPH_NAMES) {
    const entry = manifest.graphs[graph];
    if (entry === undefined) continue;
    const want = expected[graph];
    const inputs = entry.inputs.map((s) => s.name);
    const outputs = entry.outputs.map((s) => s.name);
    const inputsOk = inputs.length === want.inputs.length && want.inputs.every((n) => inputs.includes(n));
    const missing = want.outputs.filter((n) => !outputs.includes(n));
    if (!inputsOk || missing.length > 0) {
      throw new HFModelError(
        'HF_GRAPH_MISMATCH',
        `manifest.json's ${graph} graph has inputs [${inputs.join(', ')}] and outputs [${outputs.join(', ')}]; this config needs inputs [${want.inputs.join(', ')}] and outputs [${want.outputs.join(', ')}]. The bundle was not converted from this config; re-convert the checkpoint.`,
        { details: { graph, missingOutputs: missing } },
      );
    }
  }
}

/**
 * `@clipseg/core/bundle`: the ONNX bundle's contract below the manifest, for tools that write or read bundles
 * themselves (the converter, runtimes, inspectors): the input and output names of every graph and `openBundle`,
 * which reads and checks a bundle's manifest, configs and tokenizer once (what `CLIPSeg.load` and `HFBundle.load`
 * do before creating sessions). The manifest format itself (`parseBundleManifest`, `BundleManifest`, the graph
 * names) is on the main entry point.
 *
 * @packageDocumentation
 */

export { openBundle } from './open-bundle.js';
export type { OpenBundleOptions, OpenedBundle } from './open-bundle.js';
export {
  DECODER_CONDITION,
  DECODER_OUTPUT,
  POSITION_EMBEDDINGS_TENSOR,
  PROJECTOR_INPUT,
  PROJECTOR_OUTPUT,
  TEXT_INPUT,
  TEXT_OUTPUT,
  VISION_INPUT,
  activationName,
  expectedGraphNames,
  hiddenStateName,
  optionalGraphNames,
  projectorActivationIndex,
} from './graph-names.js';
export type { GraphNames, OptionalGraphSizes } from './graph-names.js';

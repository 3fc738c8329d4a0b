import type * as OrtWeb from 'onnxruntime-web';

/** The onnxruntime-web module (any flavour: `onnxruntime-web`, `/wasm`, `/webgpu` share one API). */
export type OrtWebModule = typeof OrtWeb;

/** Loads an onnxruntime-web flavour with `import()`, so bundlers put it in its own chunk. */
export type OrtWebLoader = () => Promise<OrtWebModule>;

/** The onnxruntime-web builds this package can load, one per subpath entry. */
export type OrtWebFlavour = 'wasm' | 'webgpu' | 'all';

/** Unwraps a namespace import whose content may sit under `default` (CommonJS interop in some bundlers). */
export function ortNamespace(module: OrtWebModule | { default: OrtWebModule }): OrtWebModule {
  const m = module as OrtWebModule & { default?: OrtWebModule };
  return typeof m.InferenceSession === 'function' ? m : (m.default ?? m);
}

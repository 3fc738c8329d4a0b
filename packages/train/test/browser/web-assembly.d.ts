// runtime-web's web-environment.ts reads the `WebAssembly` global, which TypeScript declares only in lib DOM; this
// package's tests compile without DOM (lib ES2023 + node types), yet the browser worker test type-checks runtime-web's
// sources through `@clipseg/runtime-web/wasm`. The one member it uses, declared as the DOM lib does.
declare namespace WebAssembly {
  function validate(bytes: Uint8Array): boolean;
}

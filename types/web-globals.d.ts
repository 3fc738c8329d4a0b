// The few globals that exist in every runtime we target (browsers, Node >= 18,
// Deno, Bun, workers) but that TypeScript's ES libs do not declare. Packages
// that must stay free of DOM and Node types (core, processor, convert) compile
// their sources against these declarations instead of `lib: DOM` or
// `@types/node`. Keep them minimal and structurally compatible with both.

declare class TextEncoder {
  encode(input?: string): Uint8Array<ArrayBuffer>;
}

declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: ArrayBufferView | ArrayBuffer, options?: { stream?: boolean }): string;
}

declare class URL {
  constructor(url: string | URL, base?: string | URL);
  readonly href: string;
  readonly protocol: string;
  readonly pathname: string;
  toString(): string;
}

interface ImportMeta {
  /** The module's own URL (`file:` in Node, `http(s):` or a bundler's asset base in browsers). */
  readonly url: string;
}

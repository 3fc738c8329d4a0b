import { isCLIPSegError } from '@clipseg/core';

/** An error as the playground shows it: what went wrong, and what to do. */
export interface ErrorReport {
  /** The error's stable code (`WEB_NOT_FOUND` …), or `ERROR` for errors without one. */
  readonly code: string;
  /** The error's own message. */
  readonly message: string;
  /** What to do next. */
  readonly advice: string;
}

const ADVICE: readonly [RegExp, string][] = [
  [/^WEB_NOT_FOUND$/, 'Check the address: it must be the bundle folder that holds manifest.json (written by clipseg convert). For an HF checkpoint folder, choose "HF checkpoint" instead.'],
  [/^WEB_CORS$/, 'That server does not allow this page to read its files (no CORS headers). Serve the files with Access-Control-Allow-Origin, or download them and pick them as local files.'],
  [/^WEB_NETWORK$/, 'Check the address and your connection: the host could not be reached (or a blocker stopped the request).'],
  [/^WEB_HTTP_ERROR$/, 'The server answered with an error: check that the files are public, or try again later.'],
  [/^WEB_INTEGRITY$/, 'A file does not match its manifest (corrupt or cut-off download): load it again; if it persists, convert the bundle again.'],
  [/^WEB_QUOTA_EXCEEDED$|^WEB_CACHE_FAILED$/, 'The browser storage is full or unavailable: free some space in the site settings and load again.'],
  [/^WEB_(ABORTED)$|^PIPELINE_ABORTED$|^CONVERT_ABORTED$/, 'Loading was cancelled: load again when ready.'],
  [/^WEB_FILE_READ_FAILED$/, 'Pick the files or folder again: the browser lost access to them.'],
  [/^BUNDLE_/, 'These files are not a complete CLIPSeg bundle: pick the folder written by clipseg convert (with manifest.json and the .onnx files), or choose "HF checkpoint" to convert one here.'],
  [/^(CONVERT|CHECKPOINT|TORCH_CHECKPOINT|SAFETENSORS|CONFIG|TOKENIZER)_/, 'Pick a complete HF CLIPSeg checkpoint folder: config.json, model.safetensors or pytorch_model.bin, and the tokenizer files (vocab.json and merges.txt).'],
  [/^BACKEND_/, 'The inference runtime could not start or run the model: try the "WASM only" backend, or a recent Chrome, Edge, Firefox or Safari.'],
  [/^WEB_IMAGE_/, 'Use a PNG, JPEG, WebP or GIF image; images from other sites must allow CORS.'],
  [/^PLAYGROUND_/, ''],
];

/** Describes `error` for the page: its code, its message, and advice for the user. */
export function reportError(error: unknown): ErrorReport {
  const code = isCLIPSegError(error) ? error.code : 'ERROR';
  const message = error instanceof Error ? error.message : String(error);
  const advice = ADVICE.find(([pattern]) => pattern.test(code))?.[1] ?? 'Details are in the browser console; reload the page if the problem stays.';
  return { code, message, advice };
}

/**
 * `@clipseg/runtime-node/io`: the Node file-system building blocks that tools on this package share (the `clipseg`
 * CLI in `@clipseg/cli` is one). Nothing here is needed to run the pipeline: `loadCLIPSeg`, `decodeImage` and the
 * atomic writers of the main entry use them inside.
 *
 * - `joinInside` — THE checked join for any outside string that becomes a path.
 * - `readFileBounded` — a whole-file read with a non-blocking open that refuses non-regular and oversize files.
 * - `hashFileNode` / `sha256Node` — SHA-256 with node:crypto.
 * - `toIoError`, `ioErrorCodeOf`, `isNodeError`, `isOwnError`, `shortened` — Node's errors mapped to `IoError` codes.
 * - `checkReplaceable`, `outputMarker`, `OUTPUT_MARKER_FILE` — which folders `--force` may replace.
 * - `entryKind` — what is at a name in a folder: nothing, a regular file, or something else.
 * - `MAX_*_BYTES` — the read limits by kind of file.
 *
 * @packageDocumentation
 */
export { joinInside } from './io/checked-join.js';
export { readFileBounded } from './io/read-file-bounded.js';
export type { ReadFileBoundedOptions } from './io/read-file-bounded.js';
export { hashFileNode, sha256Node } from './io/hash-file-node.js';
export { ioErrorCodeOf, isNodeError, isOwnError, shortened, toIoError } from './io/node-io-error.js';
export { checkReplaceable, OUTPUT_MARKER_FILE, outputMarker } from './io/write-target-guard.js';
export type { OwnedDirectoryKind, ReplaceRule } from './io/write-target-guard.js';
export { entryKind } from './files/is-bundle-dir.js';
export { MAX_CONFIG_BYTES, MAX_EMBEDDING_FILE_BYTES, MAX_VOCABULARY_BYTES, MAX_WORKFLOW_BYTES } from './files/read-limits.js';

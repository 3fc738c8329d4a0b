/**
 * `@clipseg/cli`: the `clipseg` command line on `@clipseg/runtime-node`, and what it is built from for programs that
 * drive it: {@link runCli} with the {@link commands}, the Hugging Face Hub pull ({@link pullModel}, {@link HubCache},
 * {@link downloadFile}, {@link withFileLock}) and the cache with the built-in default model ({@link cacheDir},
 * {@link ensureDefaultBundle}).
 *
 * @packageDocumentation
 */
export { runCli, EXIT_FAILURE, EXIT_USAGE } from './run-cli.js';
export { commands } from './commands/index.js';
export type { CliIO, Command } from './command.js';
export { CliError } from './cli-error.js';
export type { CliErrorCode } from './cli-error.js';
export { pullModel } from './hub/pull-model.js';
export type { PullOptions, PulledModel } from './hub/pull-model.js';
export { HubCache } from './hub/hub-cache.js';
export type { CachedRepo } from './hub/hub-cache.js';
export { downloadFile } from './hub/download-file.js';
export type { DownloadOptions } from './hub/download-file.js';
export { withFileLock } from './hub/file-lock.js';
export type { FileLockOptions } from './hub/file-lock.js';
export { cacheDir } from './cache/cache-dir.js';
export { DEFAULT_BUNDLE_NAME, DEFAULT_BUNDLE_NOTICE, ensureDefaultBundle } from './cache/default-bundle.js';

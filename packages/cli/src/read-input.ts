import { isCLIPSegError } from '@clipseg/core';
import { readFileBounded } from '@clipseg/runtime-node/io';
import { CliError } from './cli-error.js';

/**
 * Reads an input file of the command line whole, bounded (see `readFileBounded`: regular files only, at most
 * `maxBytes`). A missing file is `CLI_INPUT_NOT_FOUND` with `missing` as the message when given; a FIFO, device or
 * folder stays `IO_NOT_A_FILE`, an oversize file `IO_TOO_LARGE`.
 *
 * @param path - the absolute path
 * @param what - what the file is, for messages (`the workflow "/x/flow.json"`)
 * @param maxBytes - the limit for this kind of file (see `files/read-limits.ts`)
 * @param missing - the message for a missing file (default: says `what` does not exist)
 */
export async function readInputFile(path: string, what: string, maxBytes: number, missing?: string): Promise<Uint8Array> {
  try {
    return await readFileBounded(path, { maxBytes, what });
  } catch (error) {
    if (isCLIPSegError(error, 'IO_NOT_FOUND')) throw new CliError('CLI_INPUT_NOT_FOUND', missing ?? `${what} does not exist; check the path.`, { cause: error, details: { path } });
    throw error;
  }
}

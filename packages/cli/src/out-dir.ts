import { access, constants, mkdir, stat } from 'node:fs/promises';
import { CliError } from './cli-error.js';

/**
 * Makes `--out` ready before a model runs: creates the folder (and its parents) and checks that it can be written.
 *
 * @throws {@link CliError} `CLI_OUTPUT_UNWRITABLE` when `dir` is a file, cannot be created or is not writable
 */
export async function prepareOutDir(dir: string): Promise<void> {
  try {
    const info = await stat(dir).catch(() => undefined);
    if (info && !info.isDirectory()) throw new Error('it is a file');
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (error) {
    throw new CliError('CLI_OUTPUT_UNWRITABLE', `Cannot write to the output directory ${dir} (${(error as Error).message}); choose another --out.`, { cause: error });
  }
}

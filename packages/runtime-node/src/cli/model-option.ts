import { resolve } from 'node:path';
import { DEFAULT_BUNDLE_NOTICE, ensureDefaultBundle } from '../cache/default-bundle.js';
import type { CliIO } from './command.js';

/**
 * The bundle folder a command uses: `--model` when given, else the built-in
 * default bundle (built offline on first use), announced on stderr because
 * its masks are meaningless.
 */
export async function resolveModel(model: string | undefined, io: CliIO): Promise<string> {
  if (model !== undefined) return resolve(io.cwd, model);
  io.stderr(`note: ${DEFAULT_BUNDLE_NOTICE}\n`);
  return ensureDefaultBundle(io.env);
}

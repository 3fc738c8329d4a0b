import { isAbsolute, join, relative, resolve } from 'node:path';
import { checkRelativePath, IoError } from '@clipseg/core';

/**
 * The one way a string from outside (a Hub answer, a shard index, a revision, a workflow node id, a CLI argument
 * naming something inside a folder) becomes a path: checks it with core's `checkRelativePath` (plain relative
 * segments, no `..`, no absolute path, no `\`, no control characters), joins it under `root` and confirms the
 * result is still inside `root`.
 *
 * @param root - the folder the result must stay in
 * @param name - the relative name from outside (`/`-separated)
 * @param what - what the name is, for the message (e.g. `"the shard name"`)
 * @returns the absolute path below `root`
 * @throws {@link IoError} `IO_UNSAFE_PATH`
 */
export function joinInside(root: string, name: string, what = 'the name'): string {
  const segments = checkRelativePath(name, what);
  const base = resolve(root);
  const out = join(base, ...segments);
  const rel = relative(base, out);
  if (rel === '' || rel === '..' || rel.startsWith(`..${'/'}`) || rel.startsWith('..\\') || isAbsolute(rel)) {
    throw new IoError('IO_UNSAFE_PATH', `${what} ${JSON.stringify(name)} does not stay inside ${base}.`, { details: { name, root: base } });
  }
  return out;
}

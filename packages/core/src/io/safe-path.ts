import { IoError } from './io-error.js';

/** Longest accepted path segment, in UTF-16 code units (most file systems stop at 255 bytes). */
export const MAX_PATH_SEGMENT_LENGTH = 200;
/** Longest accepted relative path, in UTF-16 code units. */
export const MAX_RELATIVE_PATH_LENGTH = 1024;

// Control characters (C0, DEL, C1), and characters Windows refuses in names.
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHARACTERS = /[\u0000-\u001f\u007f-\u009f<>:"|?*\\]/;

function unsafe(what: string, name: string, why: string): IoError {
  const shown = name.length > 80 ? `${JSON.stringify(name.slice(0, 80))}…` : JSON.stringify(name);
  return new IoError('IO_UNSAFE_PATH', `${what} ${shown} ${why}; it must be a plain relative name inside its folder.`, { details: { name: name.slice(0, 1024), what } });
}

/**
 * Checks one path segment that came from outside (a commit hash, a node id, a revision part, a file name):
 * not empty, not `.` or `..`, no `/` or `\`, no control characters or `<>:"|?*`, no trailing dot or space,
 * at most {@link MAX_PATH_SEGMENT_LENGTH} characters. Returns it unchanged.
 *
 * @param name - the segment
 * @param what - what it is, for the message (e.g. `"the shard name"`)
 * @throws {@link IoError} `IO_UNSAFE_PATH`
 */
export function checkPathSegment(name: string, what = 'the name'): string {
  if (typeof name !== 'string' || name.length === 0) throw unsafe(what, String(name ?? ''), 'is empty');
  if (name === '.' || name === '..') throw unsafe(what, name, 'points at a folder, not into it');
  if (name.includes('/')) throw unsafe(what, name, 'contains "/"');
  if (FORBIDDEN_CHARACTERS.test(name)) throw unsafe(what, name, 'contains a control character or one of \\ < > : " | ? *');
  if (name.endsWith('.') || name.endsWith(' ')) throw unsafe(what, name, 'ends with a dot or a space');
  if (name.length > MAX_PATH_SEGMENT_LENGTH) throw unsafe(what, name, `is longer than ${MAX_PATH_SEGMENT_LENGTH} characters`);
  return name;
}

/**
 * Checks a relative path that came from outside (a shard name from an index, a file listed by the Hub): segments
 * separated by `/`, each passing {@link checkPathSegment}; not absolute, at most
 * {@link MAX_RELATIVE_PATH_LENGTH} characters. Returns its segments; joining them under a folder cannot leave it.
 *
 * @param path - the relative path (`a/b/c.safetensors`)
 * @param what - what it is, for the message
 * @throws {@link IoError} `IO_UNSAFE_PATH`
 */
export function checkRelativePath(path: string, what = 'the path'): string[] {
  if (typeof path !== 'string' || path.length === 0) throw unsafe(what, String(path ?? ''), 'is empty');
  if (path.length > MAX_RELATIVE_PATH_LENGTH) throw unsafe(what, path, `is longer than ${MAX_RELATIVE_PATH_LENGTH} characters`);
  if (path.startsWith('/')) throw unsafe(what, path, 'is absolute');
  return path.split('/').map((segment) => checkPathSegment(segment, what));
}

/** True when `text` is a full 40-character lower-case hexadecimal git commit hash. */
export function isCommitHash(text: string): boolean {
  return typeof text === 'string' && /^[0-9a-f]{40}$/.test(text);
}

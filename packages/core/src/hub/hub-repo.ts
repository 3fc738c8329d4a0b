import { HubError } from './hub-error.js';

/** The public Hugging Face Hub. */
export const DEFAULT_HUB_ENDPOINT = 'https://huggingface.co';

/** A model repository at a revision. */
export interface HubRepoRef {
  /** `owner/name`. */
  readonly repo: string;
  /** Branch, tag or commit; default `main`. */
  readonly revision: string;
}

/** Longest accepted revision (branch, tag, `refs/pr/N` or commit). */
export const MAX_HUB_REVISION_LENGTH = 200;

// The Hub's own rule (huggingface_hub validate_repo_id): [A-Za-z0-9._-], at most 96 characters, no leading or
// trailing `-` or `.`, no `--` or `..` (`--` also keeps the cache folder `models--OWNER--NAME` unambiguous).
const PART = /^[A-Za-z0-9_](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9_])?$/;
// A revision segment, as git allows it in ref names and the cache stores it below `refs/`: no leading dot (so no
// `.` or `..`), no `.lock` suffix, no `..` inside.
const REVISION_SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

function partProblem(part: string): string | undefined {
  if (!PART.test(part)) return `'${part}' must be 1-96 of A-Z a-z 0-9 . _ -, not starting or ending with '-' or '.'`;
  if (part.includes('--') || part.includes('..')) return `'${part}' must not contain '--' or '..'`;
  return undefined;
}

function revisionProblem(revision: string): string | undefined {
  if (revision.length === 0 || revision.length > MAX_HUB_REVISION_LENGTH) return `the revision must have 1-${MAX_HUB_REVISION_LENGTH} characters`;
  const segments = revision.split('/');
  const bad = segments.find((s) => !REVISION_SEGMENT.test(s) || s.includes('..') || s.endsWith('.lock') || s.endsWith('.'));
  if (bad !== undefined) {
    return `the revision '${revision}' is not a branch, tag or commit: it must be '/'-separated parts of A-Z a-z 0-9 . _ - (like main, v1.0 or refs/pr/1), each part non-empty, not starting with '.', not ending with '.' or '.lock', and without '..'`;
  }
  return undefined;
}

/** Why `value` is not `owner/name` or `owner/name@revision`, or `undefined` when it is. */
function repoIdProblem(value: string): string | undefined {
  if (typeof value !== 'string') return 'it is not a string';
  const at = value.split('@');
  if (at.length > 2) return `it has more than one '@' (only OWNER/NAME@REVISION is allowed)`;
  const [repo = '', revision] = at;
  const parts = repo.split('/');
  if (parts.length !== 2) return 'it must be OWNER/NAME';
  const partBad = parts.map(partProblem).find((p) => p !== undefined);
  if (partBad) return partBad;
  return revision === undefined ? undefined : revisionProblem(revision);
}

/** True when `value` is `owner/name` or `owner/name@revision` as the Hub allows them (not a file path). */
export function isHubRepoId(value: string): boolean {
  return repoIdProblem(value) === undefined;
}

/**
 * Parses `owner/name[@revision]`. Owner and name follow the Hub's rules; the revision is a branch, tag
 * (`v1.0`), `refs/pr/N` or commit whose parts can only name a file below the cache's `refs/` folder.
 *
 * @throws {@link HubError} `HUB_INVALID_REPO_ID` saying what is wrong
 */
export function parseHubRepoRef(value: string): HubRepoRef {
  const problem = repoIdProblem(value);
  if (problem !== undefined) {
    const shown = typeof value === 'string' && value.length > 120 ? `${value.slice(0, 120)}…` : String(value);
    throw new HubError('HUB_INVALID_REPO_ID', `'${shown}' is not a Hub model id: ${problem}. Write it as OWNER/NAME or OWNER/NAME@REVISION (e.g. CIDAS/clipseg-rd64-refined).`, {
      details: { id: shown },
    });
  }
  const [repo, revision = 'main'] = value.split('@') as [string, string?];
  return { repo, revision };
}

/** `{endpoint}/api/models/{repo}/revision/{revision}?blobs=true`: the file list with sizes and LFS sha256s. */
export function hubModelInfoUrl(endpoint: string, ref: HubRepoRef): string {
  return `${endpoint.replace(/\/+$/, '')}/api/models/${ref.repo}/revision/${encodeURIComponent(ref.revision)}?blobs=true`;
}

/** `{endpoint}/{repo}/resolve/{revision}/{file}`: a file's content (may redirect to a CDN). */
export function hubFileUrl(endpoint: string, repo: string, revision: string, file: string): string {
  return `${endpoint.replace(/\/+$/, '')}/${repo}/resolve/${encodeURIComponent(revision)}/${file.split('/').map(encodeURIComponent).join('/')}`;
}

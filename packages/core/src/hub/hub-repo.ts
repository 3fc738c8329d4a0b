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

const PART = /^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/;

/** True when `value` looks like `owner/name` or `owner/name@revision` (not a file path). */
export function isHubRepoId(value: string): boolean {
  const [repo = '', revision] = value.split('@', 2);
  const parts = repo.split('/');
  return parts.length === 2 && parts.every((p) => PART.test(p) && !p.includes('..')) && (revision === undefined || /^[A-Za-z0-9._/-]{1,200}$/.test(revision));
}

/**
 * Parses `owner/name[@revision]`.
 *
 * @throws {@link HubError} `HUB_INVALID_REPO_ID`
 */
export function parseHubRepoRef(value: string): HubRepoRef {
  if (!isHubRepoId(value)) {
    throw new HubError('HUB_INVALID_REPO_ID', `'${value}' is not a Hub model id; write it as OWNER/NAME or OWNER/NAME@REVISION (e.g. CIDAS/clipseg-rd64-refined).`);
  }
  const [repo, revision = 'main'] = value.split('@', 2) as [string, string?];
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

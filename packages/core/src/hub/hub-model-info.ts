import { HubError } from './hub-error.js';
import { hubModelInfoUrl, type HubRepoRef } from './hub-repo.js';

/** One file of a Hub repo, as the model-info API describes it. */
export interface HubFile {
  /** Path in the repo. */
  readonly name: string;
  /** Size in bytes, when known. */
  readonly size?: number;
  /** SHA-256 of the content, for LFS files. */
  readonly sha256?: string;
  /** Git blob id (SHA-1 of `blob <size>\0<content>`), for non-LFS files. */
  readonly gitBlobId?: string;
}

/** A repo at a resolved commit with its files. */
export interface HubModelInfo {
  readonly repo: string;
  /** The commit the revision resolved to. */
  readonly commit: string;
  readonly files: readonly HubFile[];
}

/** The smallest fetch this module needs (globalThis.fetch fits). */
export type FetchLike = (url: string, init?: { headers?: Record<string, string>; signal?: unknown }) => Promise<{
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  json(): Promise<unknown>;
}>;

/** Options of Hub requests. */
export interface HubRequestOptions {
  /** Hub base URL; default `https://huggingface.co` (or `HF_ENDPOINT`, which callers pass in). */
  readonly endpoint?: string;
  /** Access token for gated or private repos (`HF_TOKEN`). */
  readonly token?: string;
  /** The fetch to use; default `globalThis.fetch`. */
  readonly fetch?: FetchLike;
  /** Cancels the request. */
  readonly signal?: unknown;
}

/** Throws the typed error for a failed Hub response. */
export function hubHttpError(status: number, statusText: string, what: string, hasToken: boolean): HubError {
  if (status === 401 || status === 403) {
    return new HubError(
      'HUB_UNAUTHORIZED',
      hasToken
        ? `${what}: the Hub refused the token (HTTP ${status}). Check that HF_TOKEN is valid and that you accepted the repo's conditions on its page.`
        : `${what} is gated or private (HTTP ${status}). Accept its conditions on the Hub and set HF_TOKEN to an access token.`,
      { details: { status } },
    );
  }
  if (status === 404) return new HubError('HUB_NOT_FOUND', `${what} was not found on the Hub (HTTP 404); check the repo id, the revision and the file name.`, { details: { status } });
  return new HubError('HUB_HTTP_ERROR', `${what}: the Hub answered HTTP ${status} ${statusText}. Try again later.`, { details: { status } });
}

/** Builds request headers (Authorization when a token is given). */
export function hubHeaders(token: string | undefined): Record<string, string> {
  return token ? { authorization: `Bearer ${token}` } : {};
}

/**
 * Asks the Hub for a repo's files at a revision (`/api/models/{repo}/revision/{rev}?blobs=true`).
 *
 * @throws {@link HubError} `HUB_NOT_FOUND`, `HUB_UNAUTHORIZED`, `HUB_HTTP_ERROR`, `HUB_NETWORK`
 */
export async function fetchHubModelInfo(ref: HubRepoRef, options: HubRequestOptions = {}): Promise<HubModelInfo> {
  const fetchFn = options.fetch ?? (globalThis as unknown as { fetch: FetchLike }).fetch;
  const url = hubModelInfoUrl(options.endpoint ?? 'https://huggingface.co', ref);
  const what = `${ref.repo}@${ref.revision}`;
  let response;
  try {
    response = await fetchFn(url, { headers: hubHeaders(options.token), ...(options.signal ? { signal: options.signal } : {}) });
  } catch (error) {
    throw new HubError('HUB_NETWORK', `Cannot reach the Hub at ${url} (${(error as Error).message}). Check the network, or use --offline with a model pulled before.`, { cause: error });
  }
  if (!response.ok) throw hubHttpError(response.status, response.statusText, what, options.token !== undefined);
  return parseHubModelInfo(await response.json(), ref.repo);
}

/** Parses the model-info JSON (`sha`, `siblings[].rfilename/size/blobId/lfs.sha256`). */
export function parseHubModelInfo(json: unknown, repo: string): HubModelInfo {
  const o = json as { sha?: unknown; siblings?: unknown } | null;
  if (typeof o !== 'object' || o === null || typeof o.sha !== 'string' || !Array.isArray(o.siblings)) {
    throw new HubError('HUB_HTTP_ERROR', `The Hub's answer for ${repo} is not a model description (no sha/siblings); is HF_ENDPOINT a Hub?`);
  }
  const files = o.siblings.flatMap((s): HubFile[] => {
    const f = s as { rfilename?: unknown; size?: unknown; blobId?: unknown; lfs?: { sha256?: unknown; size?: unknown } | null };
    if (typeof f.rfilename !== 'string') return [];
    const size = typeof f.lfs?.size === 'number' ? f.lfs.size : typeof f.size === 'number' ? f.size : undefined;
    return [
      {
        name: f.rfilename,
        ...(size === undefined ? {} : { size }),
        ...(typeof f.lfs?.sha256 === 'string' ? { sha256: f.lfs.sha256 } : {}),
        ...(typeof f.blobId === 'string' && typeof f.lfs?.sha256 !== 'string' ? { gitBlobId: f.blobId } : {}),
      },
    ];
  });
  return { repo, commit: o.sha, files };
}

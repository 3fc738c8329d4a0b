import type { AbortSignalLike } from '../backend/backend.js';
import { describeValue } from '../describe-value.js';
import { isCommitHash } from '../io/safe-path.js';
import { HubError, describeErrorChain, hubAbortError } from './hub-error.js';
import { hubModelInfoUrl, type HubRepoRef } from './hub-repo.js';
import { parseHubJson, readHubBody, type HubResponseLike } from './read-hub-body.js';

/** One file of a Hub repo, as the model-info API describes it. */
export interface HubFile {
  /** Path in the repo, as the Hub listed it: check it (`checkRelativePath`) before it becomes a path. */
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
  /** The commit the revision resolved to: always 40 lower-case hex characters. */
  readonly commit: string;
  readonly files: readonly HubFile[];
}

/** The smallest fetch this module needs (globalThis.fetch fits). */
export type FetchLike = (url: string, init?: { headers?: Record<string, string>; signal?: unknown }) => Promise<HubResponseLike>;

/** Largest model-info answer read (a repo with tens of thousands of files stays well below it). */
export const MAX_HUB_MODEL_INFO_BYTES = 32 * 1024 * 1024;

/** Options of Hub requests. */
export interface HubRequestOptions {
  /** Hub base URL; default `https://huggingface.co` (or `HF_ENDPOINT`, which callers pass in). */
  readonly endpoint?: string;
  /** Access token for gated or private repos (`HF_TOKEN`). */
  readonly token?: string;
  /** The fetch to use; default `globalThis.fetch`. */
  readonly fetch?: FetchLike;
  /** Cancels the request and the read of its answer. An abort reason that is a `HubError` is thrown as is. */
  readonly signal?: AbortSignalLike;
  /** Largest answer read; default {@link MAX_HUB_MODEL_INFO_BYTES}. */
  readonly maxBytes?: number;
  /** Called as the answer's bytes arrive (for idle timers). */
  readonly onData?: (bytes: number) => void;
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

const ENDPOINT_HINT = 'check that HF_ENDPOINT (or the endpoint option) is the base URL of a Hugging Face Hub, such as https://huggingface.co, and not a proxy or login page.';

/**
 * Asks the Hub for a repo's files at a revision (`/api/models/{repo}/revision/{rev}?blobs=true`), reading at most
 * `maxBytes` of the answer.
 *
 * @throws {@link HubError} `HUB_NOT_FOUND`, `HUB_UNAUTHORIZED`, `HUB_HTTP_ERROR`, `HUB_NETWORK`, `HUB_BAD_RESPONSE`,
 * `HUB_ABORTED` (or the signal's `HubError` reason, e.g. `HUB_TIMEOUT`)
 */
export async function fetchHubModelInfo(ref: HubRepoRef, options: HubRequestOptions = {}): Promise<HubModelInfo> {
  const fetchFn = options.fetch ?? (globalThis as unknown as { fetch: FetchLike }).fetch;
  const url = hubModelInfoUrl(options.endpoint ?? 'https://huggingface.co', ref);
  const what = `${ref.repo}@${ref.revision}`;
  if (options.signal?.aborted) throw hubAbortError(options.signal, `Resolving ${what}`);
  let response;
  try {
    response = await fetchFn(url, { headers: hubHeaders(options.token), ...(options.signal ? { signal: options.signal } : {}) });
  } catch (error) {
    if (options.signal?.aborted) throw hubAbortError(options.signal, `Resolving ${what}`);
    throw new HubError('HUB_NETWORK', `Cannot reach the Hub at ${url} (${describeErrorChain(error)}). Check the network and HF_ENDPOINT, or use --offline with a model pulled before.`, {
      cause: error,
    });
  }
  if (!response.ok) {
    await response.body?.cancel?.().catch(() => undefined);
    throw hubHttpError(response.status, response.statusText, what, options.token !== undefined);
  }
  const text = await readHubBody(response, {
    maxBytes: options.maxBytes ?? MAX_HUB_MODEL_INFO_BYTES,
    what: `The Hub's answer for ${what} (${url})`,
    hint: ENDPOINT_HINT,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onData ? { onData: options.onData } : {}),
  });
  return parseHubModelInfo(parseHubJson(text, `The Hub's answer for ${what} (${url})`, ENDPOINT_HINT), ref.repo);
}

const isSize = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function bad(repo: string, what: string): HubError {
  return new HubError('HUB_BAD_RESPONSE', `The Hub's answer for ${repo} ${what}; ${ENDPOINT_HINT}`, { details: { repo } });
}

/**
 * Parses the model-info JSON (`sha`, `siblings[].rfilename/size/blobId/lfs.sha256`). The commit must be a 40-hex
 * hash (it names a cache folder); sizes must be non-negative integers and hashes hex of the right length. File
 * names are kept as listed: whoever turns one into a path checks it.
 *
 * @throws {@link HubError} `HUB_BAD_RESPONSE`
 */
export function parseHubModelInfo(json: unknown, repo: string): HubModelInfo {
  const o = json as { sha?: unknown; siblings?: unknown } | null;
  if (typeof o !== 'object' || o === null || !Array.isArray(o.siblings) || !('sha' in o)) throw bad(repo, 'is not a model description (no sha/siblings)');
  if (typeof o.sha !== 'string' || !isCommitHash(o.sha)) {
    throw bad(repo, `names the commit ${describeValue(o.sha)}, which is not a 40-character lower-case hex commit hash`);
  }
  const files = o.siblings.flatMap((s): HubFile[] => {
    const f = (s ?? {}) as { rfilename?: unknown; size?: unknown; blobId?: unknown; lfs?: { sha256?: unknown; size?: unknown } | null };
    if (typeof f.rfilename !== 'string') return [];
    const shown = describeValue(f.rfilename);
    const lfs = typeof f.lfs === 'object' && f.lfs !== null ? f.lfs : undefined;
    const rawSize = lfs?.size ?? f.size;
    if (rawSize !== undefined && rawSize !== null && !isSize(rawSize)) throw bad(repo, `gives ${shown} the size ${describeValue(rawSize)}`);
    const sha256 = lfs?.sha256;
    if (sha256 !== undefined && (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256))) throw bad(repo, `gives ${shown} a SHA-256 that is not 64 hex characters`);
    const blobId = sha256 === undefined ? f.blobId : undefined;
    if (blobId !== undefined && blobId !== null && (typeof blobId !== 'string' || !/^[0-9a-f]{40}$/.test(blobId))) throw bad(repo, `gives ${shown} a blob id that is not 40 hex characters`);
    return [
      {
        name: f.rfilename,
        ...(isSize(rawSize) ? { size: rawSize } : {}),
        ...(typeof sha256 === 'string' ? { sha256 } : {}),
        ...(typeof blobId === 'string' ? { gitBlobId: blobId } : {}),
      },
    ];
  });
  return { repo, commit: o.sha, files };
}

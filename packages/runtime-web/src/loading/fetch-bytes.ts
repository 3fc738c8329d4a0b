import { abortedError, domErrorName, WebLoadError } from '../errors/web-load-error.js';

/** Progress of one download: bytes so far and, when known, the total. */
export interface DownloadProgress {
  /** Bytes received so far. */
  readonly loaded: number;
  /** Total bytes, from the manifest or `Content-Length`; `undefined` when unknown. */
  readonly total: number | undefined;
}

/** Options of {@link fetchBytes}. */
export interface FetchBytesOptions {
  /** The `fetch` to use (default `globalThis.fetch`): add auth headers, count requests, mock in tests. */
  readonly fetch?: typeof fetch;
  /** Extra `RequestInit` fields (headers, credentials …); `signal` is set from {@link FetchBytesOptions.signal}. */
  readonly init?: RequestInit;
  /** Cancels the download. */
  readonly signal?: AbortSignal;
  /** The size the caller expects (from a manifest), used as the total when `Content-Length` is absent. */
  readonly expectedBytes?: number;
  /** Called as bytes arrive. */
  readonly onProgress?: (progress: DownloadProgress) => void;
}

/** The answer to a fetch that did not give bytes: `undefined` for 404/410 when the caller tolerates missing files. */
export type FetchOutcome = { readonly bytes: Uint8Array } | { readonly missing: number };

async function diagnoseFailure(url: string, fetcher: typeof fetch, init: RequestInit | undefined, error: unknown): Promise<WebLoadError> {
  const offline = (globalThis as { navigator?: { onLine?: boolean } }).navigator?.onLine === false;
  if (!offline) {
    // A CORS failure and an unreachable host look the same to a page. An opaque (no-cors) request tells them
    // apart: it succeeds when the server is up but does not allow this origin to read the response.
    try {
      await fetcher(url, { ...init, method: 'GET', mode: 'no-cors', signal: AbortSignal.timeout?.(5000) });
      return new WebLoadError(
        'WEB_CORS',
        `${url} answered, but without CORS headers that let this page read it. Serve it with Access-Control-Allow-Origin (for example '*'), or from this page's origin.`,
        { cause: error, details: { url } },
      );
    } catch {
      // unreachable, or also blocked (COEP require-corp refuses opaque responses without CORP): fall through
    }
  }
  return new WebLoadError(
    'WEB_NETWORK',
    `Could not fetch ${url}: ${offline ? 'the browser is offline' : 'the network failed or the request was blocked'} (${error instanceof Error ? error.message : String(error)}). Check the URL, the connection, and that the server sends CORS headers (Access-Control-Allow-Origin) and, for cross-origin-isolated pages, Cross-Origin-Resource-Policy.`,
    { cause: error, details: { url, offline } },
  );
}

/**
 * Downloads `url` completely, reporting progress, and maps failures to {@link WebLoadError}s. A 404 or 410 is
 * returned as `{ missing: status }` so callers decide whether a missing file is an error.
 *
 * @throws {@link WebLoadError} `WEB_HTTP_ERROR`, `WEB_CORS`, `WEB_NETWORK`, `WEB_ABORTED`
 */
export async function fetchBytes(url: string, options: FetchBytesOptions = {}): Promise<FetchOutcome> {
  const fetcher = options.fetch ?? globalThis.fetch.bind(globalThis);
  const { signal } = options;
  if (signal?.aborted) throw abortedError(url, signal.reason);
  let response: Response;
  try {
    response = await fetcher(url, { ...options.init, signal });
  } catch (error) {
    if (signal?.aborted || domErrorName(error) === 'AbortError') throw abortedError(url, signal?.reason ?? error);
    throw await diagnoseFailure(url, fetcher, options.init, error);
  }
  if (response.status === 404 || response.status === 410) {
    await response.body?.cancel().catch(() => undefined);
    return { missing: response.status };
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new WebLoadError('WEB_HTTP_ERROR', `${url} answered HTTP ${response.status} ${response.statusText}`.trimEnd() + '; check the URL and the server’s access rules.', {
      details: { url, status: response.status },
    });
  }
  const header = Number(response.headers.get('content-length') ?? NaN);
  const total = Number.isSafeInteger(header) && header >= 0 ? header : options.expectedBytes;
  const onProgress = options.onProgress;
  try {
    if (response.body === null) {
      const bytes = new Uint8Array(await response.arrayBuffer());
      onProgress?.({ loaded: bytes.byteLength, total: total ?? bytes.byteLength });
      return { bytes };
    }
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let loaded = 0;
    // Preallocate when the size is known, so a large graph is not held twice.
    let buffer = total !== undefined ? new Uint8Array(total) : undefined;
    onProgress?.({ loaded: 0, total });
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (buffer !== undefined && loaded + value.byteLength <= buffer.byteLength) buffer.set(value, loaded);
      else {
        if (buffer !== undefined) chunks.push(buffer.subarray(0, loaded));
        buffer = undefined;
        chunks.push(value);
      }
      loaded += value.byteLength;
      onProgress?.({ loaded, total });
    }
    if (buffer !== undefined) return { bytes: loaded === buffer.byteLength ? buffer : buffer.slice(0, loaded) };
    const bytes = new Uint8Array(loaded);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return { bytes };
  } catch (error) {
    if (signal?.aborted || domErrorName(error) === 'AbortError') throw abortedError(url, signal?.reason ?? error);
    throw new WebLoadError('WEB_NETWORK', `The download of ${url} broke off (${error instanceof Error ? error.message : String(error)}); try again.`, {
      cause: error,
      details: { url },
    });
  }
}

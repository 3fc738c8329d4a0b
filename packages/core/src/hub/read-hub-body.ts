import type { AbortSignalLike } from '../backend/backend.js';
import { HubError, describeErrorChain, hubAbortError } from './hub-error.js';

/** The part of a `fetch` `Response` the Hub readers use (a DOM or undici `Response` fits). */
export interface HubResponseLike {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly headers?: { get(name: string): string | null };
  readonly body?: {
    getReader(): { read(): Promise<{ done: boolean; value?: Uint8Array }>; cancel(reason?: unknown): Promise<void> };
    cancel?(reason?: unknown): Promise<void>;
  } | null;
}

/** Options of {@link readHubBody}. */
export interface ReadHubBodyOptions {
  /** Refuse a body larger than this (checked against `Content-Length` first, then while reading). */
  readonly maxBytes: number;
  /** What the answer is, for messages (`the Hub's answer for o/n@main`). */
  readonly what: string;
  /** Why it may be too large or unreadable: a hint appended to errors. */
  readonly hint: string;
  /** Aborting it stops the read (even when the fetch does not tie the body to it); the error is {@link hubAbortError}'s. */
  readonly signal?: AbortSignalLike;
  /** Called with each chunk's size as it arrives (an idle timer resets on it). */
  readonly onData?: (bytes: number) => void;
}

const tooLarge = (options: ReadHubBodyOptions, size: string) =>
  new HubError('HUB_BAD_RESPONSE', `${options.what} is larger than ${options.maxBytes} bytes (${size}), more than any Hub answer of its kind; ${options.hint}`, {
    details: { maxBytes: options.maxBytes },
  });

/**
 * Reads a whole response body, never more than `maxBytes` (one chunk past the limit at most is held), and
 * decodes it as UTF-8.
 *
 * @throws {@link HubError} `HUB_BAD_RESPONSE` (too large, not UTF-8), `HUB_NETWORK` (the transfer broke off),
 * `HUB_ABORTED` or the signal's own `HubError` reason (e.g. `HUB_TIMEOUT`)
 */
export async function readHubBody(response: HubResponseLike, options: ReadHubBodyOptions): Promise<string> {
  const declared = Number(response.headers?.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > options.maxBytes) {
    await response.body?.cancel?.().catch(() => undefined);
    throw tooLarge(options, `Content-Length ${declared}`);
  }
  if (!response.body) throw new HubError('HUB_BAD_RESPONSE', `${options.what} has no body; ${options.hint}`);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const { signal } = options;
  const onAbort = () => void reader.cancel(signal?.reason).catch(() => undefined);
  signal?.addEventListener?.('abort', onAbort, { once: true });
  try {
    for (;;) {
      if (signal?.aborted) throw hubAbortError(signal, `Reading ${options.what}`);
      const { done, value } = await reader.read();
      if (signal?.aborted) throw hubAbortError(signal, `Reading ${options.what}`);
      if (done) break;
      if (!value) continue;
      total += value.byteLength;
      options.onData?.(value.byteLength);
      if (total > options.maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge(options, `at least ${total} bytes`);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof HubError) throw error;
    if (options.signal?.aborted) throw hubAbortError(options.signal, `Reading ${options.what}`);
    throw new HubError('HUB_NETWORK', `Reading ${options.what} broke off (${describeErrorChain(error)}); try again.`, { cause: error });
  } finally {
    signal?.removeEventListener?.('abort', onAbort);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw new HubError('HUB_BAD_RESPONSE', `${options.what} is not UTF-8 text; ${options.hint}`, { cause: error });
  }
}

/**
 * Parses a Hub answer as JSON.
 *
 * @throws {@link HubError} `HUB_BAD_RESPONSE` naming what was expected and what to check
 */
export function parseHubJson(text: string, what: string, hint: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const start = text.slice(0, 60).replace(/\s+/g, ' ').trim();
    throw new HubError('HUB_BAD_RESPONSE', `${what} is not JSON (it starts with ${JSON.stringify(start)}); ${hint}`, { cause: error });
  }
}

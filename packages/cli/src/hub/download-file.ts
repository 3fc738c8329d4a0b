import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { HubError, describeErrorChain, hubAbortError, hubHeaders, hubHttpError, type HubFile } from '@clipseg/core';
import { toIoError } from '@clipseg/runtime-node/io';
import { DEFAULT_HUB_IDLE_TIMEOUT_MS, idleDeadline, type Deadline } from './hub-deadlines.js';

/** Default bound of a file the Hub lists without a size (a CLIPSeg checkpoint's weights are about 600 MB). */
export const DEFAULT_MAX_UNSIZED_FILE_BYTES = 2 * 1024 ** 3;

/** Options of {@link downloadFile}. */
export interface DownloadOptions {
  readonly token?: string;
  /** Bytes of this file done so far, and its total when known. */
  readonly onProgress?: (done: number, total: number | undefined) => void;
  /** How often a broken or stalled transfer is resumed before giving up (default 5). */
  readonly retries?: number;
  /** Cancels the download (the fetch and the body read); the abort reason is thrown when it is a `HubError`. */
  readonly signal?: AbortSignal;
  /** An attempt that receives no data for this long is given up and retried (default 30 s). */
  readonly idleTimeoutMs?: number;
  /** Largest file accepted when the Hub lists no size for it (default {@link DEFAULT_MAX_UNSIZED_FILE_BYTES}). */
  readonly maxUnsizedBytes?: number;
  readonly fetch?: typeof fetch;
}

function hasher(expected: HubFile): { hash: Hash; digest: () => string; want: string } | undefined {
  if (expected.sha256) {
    const hash = createHash('sha256');
    return { hash, digest: () => hash.digest('hex'), want: expected.sha256 };
  }
  if (expected.gitBlobId && expected.size !== undefined) {
    const hash = createHash('sha1').update(`blob ${expected.size}\0`);
    return { hash, digest: () => hash.digest('hex'), want: expected.gitBlobId };
  }
  return undefined;
}

async function hashExisting(path: string, hash: Hash | undefined): Promise<void> {
  if (!hash) return;
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
}

/** A failure worth another attempt (a dropped connection, a stall); anything else is thrown at once. */
class Retry {
  constructor(readonly cause: unknown) {}
}

function tooLong(expected: HubFile, limit: number, got: string): HubError {
  const listed = expected.size !== undefined;
  return new HubError(
    'HUB_BAD_RESPONSE',
    listed
      ? `The server sent ${got} more than the ${limit} bytes the Hub listed for ${expected.name}; nothing was kept. The mirror (HF_ENDPOINT) is not trustworthy, or the file changed: pull again.`
      : `${expected.name} is larger than ${limit} bytes, the bound for a file the Hub lists without a size; nothing was kept. Check HF_ENDPOINT, or raise the bound (maxUnsizedFileBytes).`,
    { details: { file: expected.name, limit } },
  );
}

/** What a failed fetch or read means: the caller's abort (thrown), a stall (retried), or a network failure (retried). */
function failure(error: unknown, idle: Deadline, name: string): Retry {
  if (idle.signal.aborted) {
    if (idle.signal.reason === idle.timeout) return new Retry(idle.timeout);
    throw hubAbortError(idle.signal, `Downloading ${name}`);
  }
  return new Retry(error);
}

interface Attempt {
  readonly url: string;
  readonly part: string;
  readonly expected: HubFile;
  readonly limit: number;
  readonly idle: Deadline;
  readonly options: DownloadOptions;
}

/** One request: resolves when `part` holds the complete, verified file; throws a {@link Retry} or a fatal error. */
async function attempt({ url, part, expected, limit, idle, options }: Attempt): Promise<void> {
  const fetchFn = options.fetch ?? fetch;
  const have = (await stat(part).catch(() => undefined))?.size ?? 0;
  // Resume only a file of known size that is not already too long; otherwise start over.
  const offset = expected.size !== undefined && have <= limit ? have : 0;
  if (offset === 0 && have > 0) await rm(part, { force: true });
  const headers: Record<string, string> = { ...hubHeaders(options.token), ...(offset > 0 ? { range: `bytes=${offset}-` } : {}) };
  let response: Response;
  try {
    response = await fetchFn(url, { headers, redirect: 'follow', signal: idle.signal });
  } catch (error) {
    throw failure(error, idle, expected.name);
  }
  const complete = response.status === 416 && offset > 0 && offset === expected.size;
  if (!response.ok && !complete) {
    await response.body?.cancel().catch(() => undefined);
    throw hubHttpError(response.status, response.statusText, expected.name, options.token !== undefined);
  }
  let start = 0;
  if (response.status === 206) {
    start = Number(/^bytes (\d+)-/.exec(response.headers.get('content-range') ?? '')?.[1] ?? NaN);
    if (start !== offset) {
      await response.body?.cancel().catch(() => undefined);
      await rm(part, { force: true });
      throw new Retry(new Error(`the server resumed at byte ${start}, not ${offset}`));
    }
  }
  const length = Number(response.headers.get('content-length') ?? NaN);
  if (!complete && Number.isSafeInteger(length) && start + length > limit) {
    await response.body?.cancel().catch(() => undefined);
    if (start === 0) await rm(part, { force: true });
    throw tooLong(expected, limit, `${start + length} bytes (Content-Length),`);
  }
  const check = hasher(expected);
  if (complete || start > 0) await hashExisting(part, check?.hash);
  let done = offset;
  if (complete) await response.body?.cancel().catch(() => undefined);
  else done = await receive(response, part, start, { expected, limit, idle, options, check });
  if (expected.size !== undefined && done !== expected.size) throw new Retry(new Error(`got ${done} of ${expected.size} bytes`));
  if (check) {
    const actual = check.digest();
    if (actual !== check.want) {
      await rm(part, { force: true });
      throw new HubError('HUB_CHECKSUM_MISMATCH', `${expected.name} does not match the checksum the Hub published (expected ${check.want}, got ${actual}); the partial file was deleted — pull again.`, {
        details: { file: expected.name, expected: check.want, actual },
      });
    }
  }
}

/** Streams the body into `part` (appending at `start`), never past `limit`; returns the bytes the file now has. */
async function receive(
  response: Response,
  part: string,
  start: number,
  { expected, limit, idle, options, check }: Omit<Attempt, 'url' | 'part'> & { check: ReturnType<typeof hasher> },
): Promise<number> {
  let handle: FileHandle;
  try {
    handle = await open(part, start > 0 ? 'a' : 'w');
  } catch (error) {
    await response.body?.cancel().catch(() => undefined);
    throw toIoError(error, `Opening ${part}`, part, 'IO_WRITE_FAILED');
  }
  let done = start;
  const reader = response.body?.getReader();
  // Stop a pending read on abort even when the fetch does not tie the body to its signal.
  const onAbort = () => void reader?.cancel(idle.signal.reason).catch(() => undefined);
  idle.signal.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      let chunk: Uint8Array;
      try {
        const read = await reader?.read();
        if (idle.signal.aborted) throw idle.signal.reason;
        if (!read || read.done) break;
        chunk = read.value;
      } catch (error) {
        throw failure(error, idle, expected.name);
      }
      idle.touch();
      if (done + chunk.byteLength > limit) {
        await reader?.cancel().catch(() => undefined);
        await handle.close().catch(() => undefined);
        await rm(part, { force: true });
        throw tooLong(expected, limit, 'at least');
      }
      try {
        await handle.write(chunk);
      } catch (error) {
        throw toIoError(error, `Writing ${part}`, part, 'IO_WRITE_FAILED');
      }
      check?.hash.update(chunk);
      done += chunk.byteLength;
      options.onProgress?.(done, expected.size);
    }
  } finally {
    idle.signal.removeEventListener('abort', onAbort);
    await handle.close().catch(() => undefined);
  }
  return done;
}

/**
 * Downloads `url` to `dest` through `dest.part`, resuming a partial file with an HTTP Range request (after a
 * dropped connection or a stall, or from an earlier run), following redirects (the Hub sends large files to a CDN),
 * and verifying the size and the checksum the Hub published (SHA-256 for LFS files, the git blob id otherwise)
 * before renaming into place. It never writes more than the listed size (a longer body is an error and nothing is
 * kept); a file listed without a size is bounded by `maxUnsizedBytes` and, without a checksum, accepted as sent.
 * An attempt with no data for `idleTimeoutMs` is retried; `signal` cancels (the partial file stays for a resume).
 *
 * @throws {@link HubError} `HUB_CHECKSUM_MISMATCH`, `HUB_BAD_RESPONSE`, `HUB_NOT_FOUND`, `HUB_UNAUTHORIZED`,
 * `HUB_HTTP_ERROR`, `HUB_NETWORK`, `HUB_TIMEOUT`, `HUB_ABORTED`; `IoError` when the file cannot be written
 */
export async function downloadFile(url: string, dest: string, expected: HubFile, options: DownloadOptions = {}): Promise<void> {
  const part = `${dest}.part`;
  const retries = options.retries ?? 5;
  const limit = expected.size ?? options.maxUnsizedBytes ?? DEFAULT_MAX_UNSIZED_FILE_BYTES;
  try {
    await mkdir(dirname(dest), { recursive: true });
  } catch (error) {
    throw toIoError(error, `Creating ${dirname(dest)}`, dirname(dest), 'IO_WRITE_FAILED');
  }
  let lastError: unknown;
  for (let n = 0; n <= retries; n++) {
    if (options.signal?.aborted) throw hubAbortError(options.signal, `Downloading ${expected.name}`);
    const idle = idleDeadline(options.signal, options.idleTimeoutMs ?? DEFAULT_HUB_IDLE_TIMEOUT_MS, `the server of ${expected.name}`);
    try {
      await attempt({ url, part, expected, limit, idle, options });
      try {
        await rename(part, dest);
      } catch (error) {
        throw toIoError(error, `Renaming ${part} into place`, dest, 'IO_WRITE_FAILED');
      }
      return;
    } catch (error) {
      if (!(error instanceof Retry)) throw error;
      lastError = error.cause;
    } finally {
      idle.dispose();
    }
  }
  const attempts = `after ${retries + 1} attempts`;
  if (lastError instanceof HubError && lastError.code === 'HUB_TIMEOUT') {
    throw new HubError('HUB_TIMEOUT', `Downloading ${expected.name} failed ${attempts}: ${lastError.message}; run the pull again to resume.`, { cause: lastError, details: lastError.details ?? {} });
  }
  throw new HubError('HUB_NETWORK', `Downloading ${expected.name} failed ${attempts} (${describeErrorChain(lastError)}); check the network and HF_ENDPOINT, then run the pull again to resume.`, {
    cause: lastError,
  });
}

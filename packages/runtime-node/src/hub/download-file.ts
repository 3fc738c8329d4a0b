import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { HubError, hubHeaders, hubHttpError, type HubFile } from '@clipseg/core';

/** Options of {@link downloadFile}. */
export interface DownloadOptions {
  readonly token?: string;
  /** Bytes of this file done so far, and its total when known. */
  readonly onProgress?: (done: number, total: number | undefined) => void;
  /** How often a broken transfer is resumed before giving up (default 5). */
  readonly retries?: number;
  readonly signal?: AbortSignal;
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

/**
 * Downloads `url` to `dest` through `dest.part`, resuming a partial file with
 * an HTTP Range request (after a dropped connection, or from an earlier run),
 * following redirects (the Hub sends large files to a CDN), and verifying the
 * size and the checksum the Hub published (SHA-256 for LFS files, the git blob
 * id otherwise) before renaming into place. A mismatch deletes the partial file.
 *
 * @throws {@link HubError} `HUB_CHECKSUM_MISMATCH`, `HUB_NOT_FOUND`, `HUB_UNAUTHORIZED`, `HUB_HTTP_ERROR`, `HUB_NETWORK`
 */
export async function downloadFile(url: string, dest: string, expected: HubFile, options: DownloadOptions = {}): Promise<void> {
  const part = `${dest}.part`;
  const fetchFn = options.fetch ?? fetch;
  await mkdir(dirname(dest), { recursive: true });
  const retries = options.retries ?? 5;
  let lastError: unknown;
  for (let attempt = 0; attempt <= retries; attempt++) {
    const have = (await stat(part).catch(() => undefined))?.size ?? 0;
    if (expected.size !== undefined && have > expected.size) await rm(part, { force: true });
    const offset = expected.size !== undefined && have > expected.size ? 0 : have;
    const headers: Record<string, string> = { ...hubHeaders(options.token), ...(offset > 0 ? { range: `bytes=${offset}-` } : {}) };
    let response: Response;
    try {
      response = await fetchFn(url, { headers, redirect: 'follow', ...(options.signal ? { signal: options.signal } : {}) });
    } catch (error) {
      lastError = error;
      continue;
    }
    if (response.status === 416 && expected.size !== undefined && offset === expected.size) {
      await response.body?.cancel();
    } else if (!response.ok) {
      await response.body?.cancel();
      throw hubHttpError(response.status, response.statusText, expected.name, options.token !== undefined);
    }
    const resumed = response.status === 206;
    const start = resumed ? offset : 0;
    const check = hasher(expected);
    if (resumed) await hashExisting(part, check?.hash);
    const handle = await open(part, resumed ? 'a' : 'w');
    let done = start;
    try {
      if (response.status !== 416 && response.body) {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          await handle.write(chunk);
          check?.hash.update(chunk);
          done += chunk.byteLength;
          options.onProgress?.(done, expected.size);
        }
      } else if (response.status === 416) {
        await hashExisting(part, check?.hash);
        done = offset;
      }
    } catch (error) {
      lastError = error;
      await handle.close();
      continue; // dropped connection: resume from what we have
    }
    await handle.close();
    if (expected.size !== undefined && done !== expected.size) {
      lastError = new Error(`got ${done} of ${expected.size} bytes`);
      continue;
    }
    if (check) {
      const actual = check.digest();
      if (actual !== check.want) {
        await rm(part, { force: true });
        throw new HubError('HUB_CHECKSUM_MISMATCH', `${expected.name} does not match the checksum the Hub published (expected ${check.want}, got ${actual}); the partial file was deleted — pull again.`, {
          details: { file: expected.name, expected: check.want, actual },
        });
      }
    }
    await rename(part, dest);
    return;
  }
  throw new HubError('HUB_NETWORK', `Downloading ${expected.name} failed after ${retries + 1} attempts (${lastError instanceof Error ? lastError.message : String(lastError)}); run the pull again to resume.`, {
    cause: lastError,
  });
}

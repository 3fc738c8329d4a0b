import { mkdir, open, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { HubError, hubAbortError } from '@clipseg/core';
import { readFileBounded, toIoError } from '@clipseg/runtime-node/io';

/** Options of {@link withFileLock}. */
export interface FileLockOptions {
  /** Give up waiting after this long (default 10 minutes). */
  readonly timeoutMs?: number;
  /** A lock whose holder process is gone is taken over; so is one older than this (default 1 hour). */
  readonly staleMs?: number;
  /** Called once when the lock is busy and we start waiting. */
  readonly onWait?: () => void;
  /** Stops waiting for the lock (the abort reason is thrown when it is a `HubError`, else `HUB_ABORTED`). */
  readonly signal?: AbortSignal;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function isStale(path: string, staleMs: number): Promise<boolean> {
  const [info, bytes] = await Promise.all([stat(path).catch(() => undefined), readFileBounded(path, { maxBytes: 32, what: 'the lock file' }).catch(() => new Uint8Array())]);
  if (!info) return false;
  const pid = Number(new TextDecoder().decode(bytes).trim());
  return Date.now() - info.mtimeMs > staleMs || (Number.isSafeInteger(pid) && pid > 0 && !alive(pid));
}

/**
 * Runs `fn` while holding an exclusive lock file (created with O_EXCL, holding
 * our pid), so concurrent processes pulling the same model wait for each
 * other instead of corrupting each other's files.
 *
 * @throws {@link HubError} `HUB_LOCKED` when the lock is not freed in time, `HUB_ABORTED` (or the signal's
 * `HubError` reason) when `signal` aborts the wait; `IoError` when the lock file cannot be created.
 */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10 * 60_000;
  const staleMs = options.staleMs ?? 60 * 60_000;
  const started = Date.now();
  let waited = false;
  try {
    await mkdir(dirname(path), { recursive: true });
  } catch (error) {
    throw toIoError(error, `Creating the folder of ${path}`, path, 'IO_WRITE_FAILED');
  }
  for (;;) {
    if (options.signal?.aborted) throw hubAbortError(options.signal, `Waiting for ${path}`);
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(String(process.pid));
      } finally {
        await handle.close();
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw toIoError(error, `Creating the lock file ${path}`, path, 'IO_WRITE_FAILED');
      if (await isStale(path, staleMs)) {
        await rm(path, { force: true });
        continue;
      }
      if (Date.now() - started > timeoutMs) {
        throw new HubError('HUB_LOCKED', `Another clipseg process holds ${path}; wait for it to finish, or delete the file if no other process is running.`);
      }
      if (!waited) options.onWait?.();
      waited = true;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(path, { force: true });
  }
}

import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { HubError } from '@clipseg/core';

/** Options of {@link withFileLock}. */
export interface FileLockOptions {
  /** Give up waiting after this long (default 10 minutes). */
  readonly timeoutMs?: number;
  /** A lock whose holder process is gone is taken over; so is one older than this (default 1 hour). */
  readonly staleMs?: number;
  /** Called once when the lock is busy and we start waiting. */
  readonly onWait?: () => void;
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
  const [info, text] = await Promise.all([stat(path).catch(() => undefined), readFile(path, 'utf8').catch(() => '')]);
  if (!info) return false;
  const pid = Number(text.trim());
  return Date.now() - info.mtimeMs > staleMs || (Number.isSafeInteger(pid) && pid > 0 && !alive(pid));
}

/**
 * Runs `fn` while holding an exclusive lock file (created with O_EXCL, holding
 * our pid), so concurrent processes pulling the same model wait for each
 * other instead of corrupting each other's files.
 *
 * @throws {@link HubError} `HUB_LOCKED` when the lock is not freed in time.
 */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10 * 60_000;
  const staleMs = options.staleMs ?? 60 * 60_000;
  const started = Date.now();
  let waited = false;
  await mkdir(dirname(path), { recursive: true });
  for (;;) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
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

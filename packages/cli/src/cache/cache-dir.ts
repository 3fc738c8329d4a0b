import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The directory clipseg caches bundles in: `$CLIPSEG_CACHE` when set, else the
 * platform's user cache directory (`$XDG_CACHE_HOME/clipseg` or
 * `~/.cache/clipseg` on Linux, `~/Library/Caches/clipseg` on macOS,
 * `%LOCALAPPDATA%\clipseg\Cache` on Windows).
 */
export function cacheDir(env: Readonly<Record<string, string | undefined>> = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.CLIPSEG_CACHE) return resolve(env.CLIPSEG_CACHE);
  const home = env.HOME ?? env.USERPROFILE ?? homedir();
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'), 'clipseg', 'Cache');
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'clipseg');
  return join(env.XDG_CACHE_HOME ?? join(home, '.cache'), 'clipseg');
}

import { sha256Hex, type BundleFileEntry } from '@clipseg/core';
import { WebLoadError } from '../errors/web-load-error.js';

/** How much downloaded files are checked against `manifest.json` before they are used or cached. */
export type Integrity = 'sha256' | 'size' | 'none';

/**
 * Checks `bytes` against the manifest `entry`.
 *
 * @throws {@link WebLoadError} `WEB_INTEGRITY`
 * @internal
 */
export function verifyEntry(source: string, entry: BundleFileEntry, bytes: Uint8Array, integrity: Integrity): void {
  if (integrity === 'none') return;
  if (bytes.byteLength !== entry.bytes) {
    throw new WebLoadError(
      'WEB_INTEGRITY',
      `${source} has ${bytes.byteLength} bytes, but manifest.json says ${entry.bytes}: the download was truncated or the file replaced. Reload, or re-upload the bundle to the server.`,
      { details: { source, expected: entry.bytes, actual: bytes.byteLength } },
    );
  }
  if (integrity !== 'sha256') return;
  const digest = sha256Hex(bytes);
  if (digest !== entry.sha256) {
    throw new WebLoadError(
      'WEB_INTEGRITY',
      `${source} has SHA-256 ${digest}, but manifest.json says ${entry.sha256}: the bytes are corrupt or from another bundle. Reload, or re-upload the bundle to the server.`,
      { details: { source, expected: entry.sha256, actual: digest } },
    );
  }
}

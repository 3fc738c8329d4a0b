import type { BundleFileEntry, BundleManifest } from '@clipseg/core';

/**
 * Every file the manifest lists (graphs, configs, tokenizer, and any entry a newer format adds): each object with
 * `path`, `bytes` and `sha256`, outside `source` (which lists the checkpoint's files, not the bundle's).
 * @internal
 */
export function manifestEntries(manifest: BundleManifest): Map<string, BundleFileEntry> {
  const entries = new Map<string, BundleFileEntry>();
  const visit = (value: unknown, depth: number): void => {
    if (typeof value !== 'object' || value === null || depth > 6) return;
    const o = value as Partial<BundleFileEntry>;
    if (typeof o.path === 'string' && typeof o.bytes === 'number' && typeof o.sha256 === 'string') entries.set(o.path, o as BundleFileEntry);
    for (const [key, child] of Object.entries(value)) if (!(depth === 0 && key === 'source')) visit(child, depth + 1);
  };
  visit(manifest, 0);
  return entries;
}

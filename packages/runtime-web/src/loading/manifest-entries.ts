import { BUNDLE_OPTIONAL_GRAPH_NAMES, type BundleFileEntry, type BundleManifest } from '@clipseg/core';

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

/**
 * The files the segmentation pipeline reads: every listed file except the optional graphs (format 2's
 * `text_model`, `vision_model`, `decoder_hidden_states`) and their position-embedding table, which only the HF
 * model classes load, on demand.
 * @internal
 */
export function pipelineEntries(manifest: BundleManifest): Map<string, BundleFileEntry> {
  const entries = manifestEntries(manifest);
  const graphs = manifest.graphs as Readonly<Record<string, BundleFileEntry | undefined>>;
  for (const name of BUNDLE_OPTIONAL_GRAPH_NAMES) {
    const entry = graphs[name];
    if (entry) entries.delete(entry.path);
  }
  const table = (manifest.files as { positionEmbeddings?: BundleFileEntry }).positionEmbeddings;
  if (table) entries.delete(table.path);
  return entries;
}

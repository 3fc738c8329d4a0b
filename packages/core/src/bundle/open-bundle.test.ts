import { describe, expect, it } from 'vitest';
import { memoryFileSet, type FileSet } from '../loading/file-set.js';
import { createFakeBundle } from '../testing/fake-clipseg-bundle.js';
import { openBundle } from './open-bundle.js';

/** A file set over `files` that logs every name read. */
function logged(files: Record<string, Uint8Array>): { files: FileSet; reads: string[] } {
  const inner = memoryFileSet(files, '/bundles/tiny');
  const reads: string[] = [];
  return { reads, files: { location: inner.location, readBytes: (name) => (reads.push(name), inner.readBytes(name)) } };
}

describe('openBundle', () => {
  it('reads the manifest, the configs and the tokenizer, and no graph', async () => {
    const bundle = createFakeBundle();
    const { files, reads } = logged(bundle.files);
    const opened = await openBundle(files);
    expect(opened.manifest.formatVersion).toBe(bundle.manifest.formatVersion);
    expect(opened.config.projection_dim).toBe(bundle.projectionDim);
    expect(opened.preprocessorConfig.size).toEqual({ height: bundle.imageSize, width: bundle.imageSize });
    expect(opened.tokenizer.encode('a cat').at(-1)).toBe(bundle.eosId);
    expect(reads[0]).toBe('manifest.json');
    expect(reads.filter((name) => name.endsWith('.onnx'))).toEqual([]);
  });

  it('runs check after the consistency checks and before reading the tokenizer files', async () => {
    const bundle = createFakeBundle();
    const { files, reads } = logged(bundle.files);
    const seen: number[] = [];
    const failing = openBundle(files, {
      check: (manifest, config) => {
        seen.push(manifest.formatVersion, config.extract_layers.length);
        throw new Error('refused by check');
      },
    });
    await expect(failing).rejects.toThrow('refused by check');
    expect(seen).toEqual([bundle.manifest.formatVersion, 3]);
    expect(reads).toEqual(['manifest.json', 'config.json', 'preprocessor_config.json']);
  });

  it('does not call check on a bundle whose files disagree', async () => {
    const bundle = createFakeBundle();
    const config = JSON.parse(new TextDecoder().decode(bundle.files['config.json'])) as { projection_dim: number };
    config.projection_dim += 1;
    let called = false;
    const files = memoryFileSet({ ...bundle.files, 'config.json': new TextEncoder().encode(JSON.stringify(config)) });
    await expect(openBundle(files, { verify: 'none', check: () => void (called = true) })).rejects.toMatchObject({ code: 'PIPELINE_BUNDLE_MISMATCH' });
    expect(called).toBe(false);
  });

  it('refuses an aborted signal before reading anything', async () => {
    const { files, reads } = logged(createFakeBundle().files);
    const controller = new AbortController();
    controller.abort();
    await expect(openBundle(files, { signal: controller.signal })).rejects.toMatchObject({ code: 'PIPELINE_ABORTED' });
    expect(reads).toEqual([]);
  });
});

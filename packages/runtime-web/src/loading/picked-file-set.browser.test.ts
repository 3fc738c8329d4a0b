import { afterAll, describe, expect, it } from 'vitest';
import { describeWithShared } from '@clipseg/core/testing';
import { fetchFixture, ortUrl } from '../../test/browser-fixtures.js';
import { loadCLIPSeg } from '../pipeline/load-clipseg.js';
import { createWasmBackend } from '../wasm.js';
import { blobSource } from './blob-source.js';
import { directoryHandleFileSet, fileListFileSet } from './picked-file-set.js';

const backend = createWasmBackend({ wasmPaths: ortUrl });

async function bundleFiles(): Promise<File[]> {
  const manifest = JSON.parse(new TextDecoder().decode(await fetchFixture('bundles/fp32/manifest.json'))) as {
    graphs: Record<string, { path: string }>;
    files: { config: { path: string }; preprocessor: { path: string }; tokenizer: { path: string }[] };
  };
  const names = ['manifest.json', ...Object.values(manifest.graphs).map((g) => g.path), manifest.files.config.path, manifest.files.preprocessor.path, ...manifest.files.tokenizer.map((t) => t.path)];
  return Promise.all(names.map(async (name) => new File([(await fetchFixture(`bundles/fp32/${name}`)) as Uint8Array<ArrayBuffer>], name)));
}

describe('blobSource', () => {
  it('reads ranges of a Blob', async () => {
    const source = blobSource(new Blob([new Uint8Array([1, 2, 3, 4, 5])]));
    expect(source.size).toBe(5);
    expect(Array.from(await source.read(1, 3))).toEqual([2, 3, 4]);
    await expect(source.read(4, 2)).rejects.toMatchObject({ code: 'IO_RANGE_INVALID' });
    await source.close?.();
    await expect(source.read(0, 1)).rejects.toMatchObject({ code: 'IO_CLOSED' });
  });
});

describeWithShared(`bundles the user picked`, () => {
  const dirName = `clipseg-picked-${Date.now()}`;
  afterAll(async () => {
    await (await navigator.storage.getDirectory()).removeEntry(dirName, { recursive: true }).catch(() => undefined);
  });

  it('loads from a FileList-like array of files', async () => {
    const files = await bundleFiles();
    const seg = await loadCLIPSeg(files, { backend, verify: 'sha256' });
    expect(seg.manifest.dtype).toBe('fp32');
    await seg.dispose();
    const set = fileListFileSet(files);
    expect(await set.readBytes('nope.json')).toBeUndefined();
    expect((await set.open!('decoder.onnx'))!.size).toBe(files.find((f) => f.name === 'decoder.onnx')!.size);
  });

  it('loads from a directory handle (an OPFS folder stands in for showDirectoryPicker)', async () => {
    const root = await navigator.storage.getDirectory();
    const dir = await root.getDirectoryHandle(dirName, { create: true });
    for (const file of await bundleFiles()) {
      const writable = await (await dir.getFileHandle(file.name, { create: true })).createWritable();
      await writable.write(file);
      await writable.close();
    }
    const seg = await loadCLIPSeg(dir, { backend, verify: 'sha256' });
    await seg.dispose();
    expect(await directoryHandleFileSet(dir).readBytes('missing.onnx')).toBeUndefined();
    expect(await directoryHandleFileSet(dir).readBytes('../escape')).toBeUndefined();
  });

  it('a picked bundle with a corrupt file fails core verification (BUNDLE_INTEGRITY)', async () => {
    const files = await bundleFiles();
    const i = files.findIndex((f) => f.name === 'decoder.onnx');
    const bytes = new Uint8Array(await files[i]!.arrayBuffer());
    bytes[100]! ^= 1;
    files[i] = new File([bytes], 'decoder.onnx');
    await expect(loadCLIPSeg(files, { backend, verify: 'sha256' })).rejects.toMatchObject({ code: 'BUNDLE_INTEGRITY' });
  });
});

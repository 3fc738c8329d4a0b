import { describe, expect, it } from 'vitest';
import { fetchHubModelInfo, parseHubModelInfo } from './hub-model-info.js';
import { hubFileUrl, hubModelInfoUrl, isHubRepoId, parseHubRepoRef } from './hub-repo.js';
import { selectCheckpointFiles, shardFiles } from './select-checkpoint-files.js';

const info = (names: string[]) => parseHubModelInfo({ sha: 'a'.repeat(40), siblings: names.map((rfilename) => ({ rfilename, size: 1, blobId: 'b'.repeat(40) })) }, 'o/n');

describe('Hub repo ids and URLs', () => {
  it('parses OWNER/NAME[@REVISION] and refuses paths', () => {
    expect(parseHubRepoRef('CIDAS/clipseg-rd64-refined')).toEqual({ repo: 'CIDAS/clipseg-rd64-refined', revision: 'main' });
    expect(parseHubRepoRef('o/n@v1.0')).toEqual({ repo: 'o/n', revision: 'v1.0' });
    for (const bad of ['./models/x', 'a/b/c', '../x', 'name', '/abs/x', 'o/..']) expect(isHubRepoId(bad), bad).toBe(false);
    expect(() => parseHubRepoRef('a/b/c')).toThrowError(expect.objectContaining({ code: 'HUB_INVALID_REPO_ID' }));
  });
  it('builds the model-info and resolve URLs', () => {
    expect(hubModelInfoUrl('https://hub.example/', { repo: 'o/n', revision: 'refs/pr/1' })).toBe('https://hub.example/api/models/o/n/revision/refs%2Fpr%2F1?blobs=true');
    expect(hubFileUrl('https://hub.example', 'o/n', 'main', 'sub dir/model.safetensors')).toBe('https://hub.example/o/n/resolve/main/sub%20dir/model.safetensors');
  });
});

describe('model info and file selection', () => {
  it('reads sizes, LFS sha256s and git blob ids', () => {
    const parsed = parseHubModelInfo(
      { sha: 'c'.repeat(40), siblings: [{ rfilename: 'model.safetensors', size: 10, blobId: 'x', lfs: { sha256: 'f'.repeat(64), size: 99 } }, { rfilename: 'config.json', size: 5, blobId: 'abc'.padEnd(40, '0') }] },
      'o/n',
    );
    expect(parsed.files).toEqual([
      { name: 'model.safetensors', size: 99, sha256: 'f'.repeat(64) },
      { name: 'config.json', size: 5, gitBlobId: 'abc'.padEnd(40, '0') },
    ]);
    expect(() => parseHubModelInfo({ error: 'x' }, 'o/n')).toThrowError(expect.objectContaining({ code: 'HUB_BAD_RESPONSE' }));
  });
  it('prefers model.safetensors, then the shard index, then pytorch_model.bin, and takes the side files', () => {
    const names = (i: ReturnType<typeof info>) => selectCheckpointFiles(i).files.map((f) => f.name);
    expect(names(info(['config.json', 'vocab.json', 'merges.txt', 'pytorch_model.bin', 'model.safetensors', 'README.md']))).toEqual(['config.json', 'vocab.json', 'merges.txt', 'model.safetensors']);
    expect(names(info(['config.json', 'tokenizer.json', 'pytorch_model.bin']))).toEqual(['config.json', 'tokenizer.json', 'pytorch_model.bin']);
    const sharded = info(['config.json', 'tokenizer.json', 'model.safetensors.index.json', 's1.safetensors', 's2.safetensors']);
    expect(selectCheckpointFiles(sharded).shardIndex?.name).toBe('model.safetensors.index.json');
    expect(shardFiles(sharded, JSON.stringify({ weight_map: { a: 's2.safetensors', b: 's1.safetensors', c: 's2.safetensors' } })).map((f) => f.name)).toEqual(['s1.safetensors', 's2.safetensors']);
    expect(() => shardFiles(sharded, JSON.stringify({ weight_map: { a: 's3.safetensors' } }))).toThrowError(/names 's3.safetensors'/);
    expect(() => selectCheckpointFiles(info(['README.md']))).toThrowError(expect.objectContaining({ code: 'HUB_NOT_A_CLIPSEG_REPO', message: expect.stringMatching(/config\.json.*weights.*tokenizer/) }));
  });
  it('maps HTTP failures to typed errors', async () => {
    const respond = (status: number) => async () => new Response('{}', { status, statusText: 'x' });
    await expect(fetchHubModelInfo({ repo: 'o/n', revision: 'main' }, { fetch: respond(401) })).rejects.toMatchObject({ code: 'HUB_UNAUTHORIZED', message: expect.stringMatching(/HF_TOKEN/) });
    await expect(fetchHubModelInfo({ repo: 'o/n', revision: 'main' }, { fetch: respond(404) })).rejects.toMatchObject({ code: 'HUB_NOT_FOUND' });
    await expect(fetchHubModelInfo({ repo: 'o/n', revision: 'main' }, { fetch: respond(503) })).rejects.toMatchObject({ code: 'HUB_HTTP_ERROR' });
    await expect(fetchHubModelInfo({ repo: 'o/n', revision: 'main' }, { fetch: () => Promise.reject(new Error('ECONNREFUSED')) })).rejects.toMatchObject({ code: 'HUB_NETWORK' });
  });
});

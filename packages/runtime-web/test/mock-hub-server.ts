// A CORS-enabled imitation of the Hugging Face Hub on 127.0.0.1 for browser tests of loadHubCheckpoint:
// /api/models/{repo}/revision/{rev}?blobs=true and /{repo}/resolve/{rev}/{file}; LFS files carry a sha256.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MockHubRepo {
  readonly files: Record<string, Uint8Array>;
  readonly lfs: readonly string[];
  readonly token?: string;
  /** Files served with one byte flipped (the listing keeps the true sha256). */
  readonly corrupt?: readonly string[];
}

export async function startMockHubServer(repos: Record<string, MockHubRepo>): Promise<{ origin: string; requests: () => number; close: () => Promise<void> }> {
  let requests = 0;
  const server = createServer((req, res) => {
    const cors = {
      'access-control-allow-origin': '*',
      'access-control-allow-headers': 'authorization, range',
      'access-control-expose-headers': 'content-length, content-range',
      'cross-origin-resource-policy': 'cross-origin',
    };
    if (req.method === 'OPTIONS') return void res.writeHead(204, cors).end();
    requests++;
    const url = new URL(req.url ?? '/', 'http://x');
    const info = /^\/api\/models\/([^/]+\/[^/]+)\/revision\/([^/]+)$/.exec(url.pathname);
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
    const name = info?.[1] ?? resolve?.[1];
    const repo = name ? repos[name] : undefined;
    if (!repo) return void res.writeHead(404, cors).end();
    if (repo.token && req.headers.authorization !== `Bearer ${repo.token}`) return void res.writeHead(401, cors).end();
    if (info) {
      const siblings = Object.entries(repo.files).map(([rfilename, data]) => ({
        rfilename,
        size: data.byteLength,
        ...(repo.lfs.includes(rfilename) ? { lfs: { sha256: createHash('sha256').update(data).digest('hex'), size: data.byteLength } } : {}),
      }));
      return void res.writeHead(200, { ...cors, 'content-type': 'application/json' }).end(JSON.stringify({ sha: 'f'.repeat(40), siblings }));
    }
    const file = decodeURIComponent(resolve![3]!);
    let data = repo.files[file];
    if (!data) return void res.writeHead(404, cors).end();
    if (repo.corrupt?.includes(file)) {
      data = Uint8Array.from(data);
      data[0]! ^= 0xff;
    }
    res.writeHead(200, { ...cors, 'content-length': String(data.byteLength) }).end(data);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

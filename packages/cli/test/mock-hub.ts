import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { initRandomCheckpoint, randomCheckpointFiles } from '@clipseg/convert';

/** The files of a tiny random CLIPSeg checkpoint in HF format (weights as one `model.safetensors`), plus a README. */
export function tinyRepoFiles(seed: number): Record<string, Uint8Array> {
  return { ...randomCheckpointFiles(initRandomCheckpoint('tiny', { seed })), 'README.md': new TextEncoder().encode('# tiny') };
}

/** A repo the mock Hub serves. */
export interface MockRepo {
  readonly files: Record<string, Uint8Array>;
  /** Files stored in LFS (served through the CDN redirect, with a sha256). */
  readonly lfs?: readonly string[];
  /** Requires `Authorization: Bearer <token>`. */
  readonly token?: string;
  readonly commit?: string;
}

/** Faults the CDN injects. */
export interface MockFaults {
  /** Close the connection after this many bytes, on the first transfer of each LFS file. */
  dropAfterBytes?: number;
  /** Serve these files with one byte flipped. */
  corrupt?: Set<string>;
  /** Hostile: append this many bytes to every CDN body (and announce them in Content-Length). */
  cdnExtraBytes?: number;
  /** Hostile: the CDN sends one byte of the body every this many milliseconds. */
  trickleMs?: number;
  /** Hostile: `/resolve/` redirects to itself forever. */
  redirectLoop?: boolean;
  /** Hostile: the model-info answer is this text, sent chunked without Content-Length (an HTML proxy page …). */
  infoBody?: string;
  /** Hostile: files listed without size, blob id or LFS metadata. */
  unlisted?: Set<string>;
  /** Hostile: answer any unknown path with these bytes (a `..` in a file name is resolved away by the URL parser). */
  anyPath?: Uint8Array;
}

/** What the servers saw, for assertions. */
export interface MockLog {
  api: string[];
  /** Every `/resolve/` request, as `{repo}/{file}`. */
  resolve: string[];
  cdn: { path: string; range?: string; authorization?: string }[];
}

const sha1Blob = (data: Uint8Array) => createHash('sha1').update(`blob ${data.byteLength}\0`).update(data).digest('hex');
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

function withExtra(data: Uint8Array, extra = 0): Uint8Array {
  if (extra === 0) return data;
  const out = new Uint8Array(data.byteLength + extra);
  out.set(data);
  return out;
}

/** Sends `body` one byte every `ms` milliseconds until it is done or the client goes away. */
function trickle(res: ServerResponse, body: Uint8Array, ms: number): void {
  let sent = 0;
  const timer = setInterval(() => {
    if (res.destroyed || sent >= body.byteLength) {
      clearInterval(timer);
      if (!res.destroyed) res.end();
      return;
    }
    res.write(body.subarray(sent, sent + 1));
    sent += 1;
  }, ms);
  res.on('close', () => clearInterval(timer));
}

function listen(server: Server, host: string): Promise<string> {
  return new Promise((resolve) => server.listen(0, host, () => resolve(`http://${host}:${(server.address() as AddressInfo).port}`)));
}

/**
 * A local imitation of the Hugging Face Hub on 127.0.0.1: `/api/models/{repo}/revision/{rev}?blobs=true`
 * and `/{repo}/resolve/{rev}/{file}`, which redirects LFS files to a second origin (the "CDN", on
 * `localhost` with another port) that honours Range requests. Nothing leaves the machine.
 */
export async function startMockHub(repos: Record<string, MockRepo>, faults: MockFaults = {}) {
  const log: MockLog = { api: [], resolve: [], cdn: [] };
  const dropped = new Set<string>();
  const cdn = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const [repoName, file] = [url.searchParams.get('repo')!, url.searchParams.get('file')!];
    log.cdn.push({ path: `${repoName}/${file}`, ...(req.headers.range ? { range: req.headers.range } : {}), ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
    let data = repos[repoName]?.files[file];
    if (!data) return void res.writeHead(404).end();
    if (faults.corrupt?.has(file)) {
      data = Uint8Array.from(data);
      data[data.length >> 1]! ^= 0xff;
    }
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    if (start >= data.byteLength && range) return void res.writeHead(416, { 'content-range': `bytes */${data.byteLength}` }).end();
    const body = withExtra(data.subarray(start), faults.cdnExtraBytes);
    res.writeHead(range ? 206 : 200, {
      'content-length': String(body.byteLength),
      'accept-ranges': 'bytes',
      ...(range ? { 'content-range': `bytes ${start}-${data.byteLength - 1}/${data.byteLength}` } : {}),
    });
    const key = `${repoName}/${file}`;
    if (faults.dropAfterBytes !== undefined && !dropped.has(key) && body.byteLength > faults.dropAfterBytes) {
      dropped.add(key);
      res.write(body.subarray(0, faults.dropAfterBytes), () => res.socket?.destroy());
      return;
    }
    if (faults.trickleMs) return void trickle(res, body, faults.trickleMs);
    res.end(body);
  });
  const cdnUrl = await listen(cdn, 'localhost');
  const api = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    log.api.push(url.pathname);
    const info = /^\/api\/models\/([^/]+\/[^/]+)\/revision\/([^/]+)$/.exec(url.pathname);
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
    const repoName = info?.[1] ?? resolve?.[1];
    const repo = repoName ? repos[repoName] : undefined;
    if (resolve) log.resolve.push(`${repoName}/${decodeURIComponent(resolve[3]!)}`);
    if (faults.redirectLoop && resolve) return void res.writeHead(302, { location: url.pathname }).end();
    if (!repo && faults.anyPath) return void res.writeHead(200, { 'content-length': String(faults.anyPath.byteLength) }).end(faults.anyPath);
    if (!repo) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Repository not found"}');
    if (repo.token && req.headers.authorization !== `Bearer ${repo.token}`) return void res.writeHead(401).end('{"error":"gated"}');
    const commit = repo.commit ?? 'c0ffee'.padEnd(40, '0');
    if (info && faults.infoBody !== undefined) {
      res.writeHead(200, { 'content-type': 'text/html' });
      for (let i = 0; i < faults.infoBody.length; i += 65536) res.write(faults.infoBody.slice(i, i + 65536));
      return void res.end();
    }
    if (info) {
      const siblings = Object.entries(repo.files).map(([name, data]) =>
        faults.unlisted?.has(name)
          ? { rfilename: name }
          : repo.lfs?.includes(name)
          ? { rfilename: name, size: data.byteLength, blobId: sha1Blob(data), lfs: { sha256: sha256(data), size: data.byteLength, pointerSize: 134 } }
          : { rfilename: name, size: data.byteLength, blobId: sha1Blob(data) },
      );
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: repoName, sha: commit, siblings }));
    }
    const file = decodeURIComponent(resolve![3]!);
    const data = repo.files[file] ?? faults.anyPath;
    if (!data) return void res.writeHead(404).end();
    if (repo.lfs?.includes(file)) {
      return void res.writeHead(302, { location: `${cdnUrl}/blob?repo=${encodeURIComponent(repoName!)}&file=${encodeURIComponent(file)}` }).end();
    }
    const body = withExtra(data, faults.cdnExtraBytes);
    res.writeHead(200, { 'content-length': String(body.byteLength) }).end(body);
  });
  const endpoint = await listen(api, '127.0.0.1');
  return {
    endpoint,
    log,
    close: () => {
      for (const server of [api, cdn]) server.closeAllConnections();
      return Promise.all([new Promise((r) => api.close(r)), new Promise((r) => cdn.close(r))]);
    },
  };
}

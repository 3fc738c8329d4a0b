// The browser tests' fixture server: a plain node:http server on 127.0.0.1, cross-origin to the vitest page, that
// serves ../shared, the converted golden bundles and onnxruntime-web's files, plus routes that fail on purpose.
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';

/** Folders the server maps URL prefixes to. */
export interface FixtureRoots {
  readonly shared: string;
  readonly bundles: string;
  readonly ort: string;
}

const TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.mjs': 'text/javascript',
  '.js': 'text/javascript',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
};

function inside(root: string, rel: string): string | undefined {
  if (!root) return undefined;
  const file = normalize(join(root, rel));
  if (file !== root && !file.startsWith(root + sep)) return undefined;
  return existsSync(file) && statSync(file).isFile() ? file : undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Routes (each under the origin):
 * - `/shared/…`, `/bundles/{fp32,fp16}/…`, `/ort/…` — files, with CORS and CORP headers;
 * - `/nocors/…` — the same without any CORS or CORP header; `/nocors-corp/…` — CORP `cross-origin` but no CORS;
 * - `/corrupt/…` — the same bytes with one byte flipped in `.onnx` files (same length);
 * - `/slow/…` — streamed in 16 KiB chunks, 5 ms apart; `/nolength/…` — chunked, without Content-Length;
 * - `/status/CODE/…` — an empty response with that status.
 */
function handle(roots: FixtureRoots, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  let path = decodeURIComponent(url.pathname);
  const mode = { cors: true, corp: true, corrupt: false, slow: false, length: true };
  const status = /^\/status\/(\d{3})\//.exec(path);
  if (status) {
    res.writeHead(Number(status[1]), { 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' });
    res.end();
    return;
  }
  for (const [prefix, apply] of [
    ['/nocors-corp/', () => (mode.cors = false)],
    ['/nocors/', () => ((mode.cors = false), (mode.corp = false))],
    ['/corrupt/', () => (mode.corrupt = true)],
    ['/slow/', () => (mode.slow = true)],
    ['/nolength/', () => (mode.length = false)],
  ] as const) {
    if (path.startsWith(prefix)) {
      apply();
      path = path.slice(prefix.length - 1);
    }
  }
  const [, area, ...rest] = path.split('/');
  const root = area === 'shared' ? roots.shared : area === 'bundles' ? roots.bundles : area === 'ort' ? roots.ort : '';
  const file = inside(root, rest.join('/'));
  const headers: Record<string, string> = { 'Cache-Control': 'no-store' };
  if (mode.cors) Object.assign(headers, { 'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': 'Content-Length' });
  if (mode.corp) headers['Cross-Origin-Resource-Policy'] = 'cross-origin';
  if (req.method === 'OPTIONS') {
    res.writeHead(204, { ...headers, 'Access-Control-Allow-Headers': '*', 'Access-Control-Allow-Methods': 'GET, HEAD' });
    res.end();
    return;
  }
  if (file === undefined) {
    res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' });
    res.end('not found');
    return;
  }
  headers['Content-Type'] = TYPES[extname(file)] ?? 'application/octet-stream';
  const size = statSync(file).size;
  if (mode.length) headers['Content-Length'] = String(size);
  res.writeHead(200, headers);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  if (mode.corrupt && file.endsWith('.onnx')) {
    const bytes = readFileSync(file);
    bytes[bytes.length >> 1]! ^= 0xff;
    res.end(bytes);
    return;
  }
  if (mode.slow) {
    const bytes = readFileSync(file);
    void (async () => {
      for (let i = 0; i < bytes.length && !res.destroyed; i += 16384) {
        res.write(bytes.subarray(i, i + 16384));
        await sleep(5);
      }
      res.end();
    })();
    return;
  }
  createReadStream(file).pipe(res);
}

/** Starts the fixture server on a free loopback port; resolves to its origin and a `close`. */
export async function startFixtureServer(roots: FixtureRoots): Promise<{ origin: string; close: () => Promise<void> }> {
  const resolved = { shared: roots.shared && resolve(roots.shared), bundles: resolve(roots.bundles), ort: resolve(roots.ort) };
  const server: Server = createServer((req, res) => {
    try {
      handle(resolved, req, res);
    } catch (error) {
      res.writeHead(500);
      res.end(String(error));
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

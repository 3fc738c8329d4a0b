import type { Connect, Plugin } from 'vite';
import { buildDefaultModel, DEFAULT_MODEL_PATH } from './default-model.js';

const CONTENT_TYPES: Readonly<Record<string, string>> = { '.json': 'application/json', '.onnx': 'application/octet-stream', '.txt': 'text/plain; charset=utf-8' };

const contentType = (name: string) => CONTENT_TYPES[name.slice(name.lastIndexOf('.'))] ?? 'application/octet-stream';

/**
 * A Vite plugin that makes the built-in model ({@link buildDefaultModel}) part of the app: the dev server builds it
 * once at start and serves it from memory under `DEFAULT_MODEL_PATH`; `vite build` emits its files as static
 * assets at the same path, so `vite preview` (or any static host) serves them.
 */
export function defaultModelPlugin(): Plugin {
  let building: Promise<ReadonlyMap<string, Uint8Array>> | undefined;
  const files = () => (building ??= buildDefaultModel());
  let base = '/';

  const serve: Connect.NextHandleFunction = (req, res, next) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const prefix = `${base}${DEFAULT_MODEL_PATH}`;
    if (!path.startsWith(prefix)) return next();
    files().then(
      (bundle) => {
        const bytes = bundle.get(path.slice(prefix.length));
        if (bytes === undefined) {
          res.statusCode = 404;
          res.end(`${path}: not a file of the built-in model`);
          return;
        }
        res.setHeader('Content-Type', contentType(path));
        res.setHeader('Content-Length', String(bytes.byteLength));
        res.setHeader('Cache-Control', 'no-cache');
        res.end(req.method === 'HEAD' ? undefined : bytes);
      },
      (error: unknown) => next(error),
    );
  };

  return {
    name: 'clipseg-playground:default-model',
    configResolved(config) {
      base = config.base.startsWith('/') ? config.base : '/';
    },
    configureServer(server) {
      void files(); // start building while the browser opens
      server.middlewares.use(serve);
    },
    async generateBundle() {
      for (const [name, source] of await files()) this.emitFile({ type: 'asset', fileName: `${DEFAULT_MODEL_PATH}${name}`, source });
    },
  };
}

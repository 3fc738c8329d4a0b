import type { Connect, Plugin } from 'vite';

/**
 * Cross-origin isolation (COOP/COEP), so `SharedArrayBuffer` exists and onnxruntime-web runs WASM on several
 * threads. `require-corp` means every cross-origin resource (a model URL, an image URL) must come with CORS headers.
 */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
});

const setHeaders: Connect.NextHandleFunction = (_req, res, next) => {
  for (const [name, value] of Object.entries(ISOLATION_HEADERS)) res.setHeader(name, value);
  next();
};

/**
 * A Vite plugin that sends {@link ISOLATION_HEADERS} with every response of the dev server and of `vite preview`,
 * including the responses of other plugins' middlewares (the built-in model) and of static files.
 */
export function isolationHeadersPlugin(): Plugin {
  return {
    name: 'clipseg-playground:isolation-headers',
    configureServer(server) {
      server.middlewares.use(setHeaders);
    },
    configurePreviewServer(server) {
      server.middlewares.use(setHeaders);
    },
  };
}

import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, type InlineConfig, type LogLevel } from 'vite';
import { defaultModelPlugin } from './default-model-plugin.js';
import { ISOLATION_HEADERS, isolationHeadersPlugin } from './isolation-headers.js';

const here = dirname(fileURLToPath(import.meta.url));

/** The app's sources (`index.html`, `main.ts`). */
export const WEB_ROOT = resolve(here, '../web');
/** Where `vite build` writes the app by default. */
export const DEFAULT_OUT_DIR = resolve(here, '../../dist');

/** Options of {@link playgroundViteConfig}. */
export interface PlaygroundViteOptions {
  /** Host to listen on (dev and preview); default `localhost`. */
  readonly host?: string;
  /** Port (dev and preview); taken ports are an error, never silently replaced. Default 5180. */
  readonly port?: number;
  /** Build output folder; default `apps/playground/dist`. */
  readonly outDir?: string;
  /** Vite's log level; default `info`. */
  readonly logLevel?: LogLevel;
}

/**
 * The playground's Vite configuration, inline (no config file): the app under `src/web`, workspace packages from
 * their sources (the `clipseg-source` condition: nothing to build first), the built-in model
 * ({@link defaultModelPlugin}), and COOP/COEP on every response in dev and preview ({@link isolationHeadersPlugin}).
 * `base: './'` makes the build work from any folder of a static host.
 */
export function playgroundViteConfig(options: PlaygroundViteOptions = {}): InlineConfig {
  const server = { host: options.host ?? 'localhost', port: options.port ?? 5180, strictPort: true, headers: { ...ISOLATION_HEADERS } };
  return {
    configFile: false,
    root: WEB_ROOT,
    base: './',
    // Unknown paths are 404s, not the app's page: a mistyped model URL must fail as "not found".
    appType: 'mpa',
    publicDir: false,
    logLevel: options.logLevel ?? 'info',
    resolve: { conditions: ['clipseg-source', ...defaultClientConditions] },
    // onnxruntime-web must stay next to its .wasm files and worker entry; lit and Rete are pre-bundled up front, so
    // the first page load does not discover them and reload.
    optimizeDeps: {
      exclude: ['onnxruntime-web'],
      include: [
        'lit',
        'rete',
        'rete-area-plugin',
        'rete-connection-plugin',
        'rete-context-menu-plugin',
        'rete-engine',
        'rete-history-plugin',
        'rete-minimap-plugin',
        'rete-render-utils',
        '@retejs/lit-plugin',
      ],
    },
    server,
    preview: server,
    build: {
      outDir: options.outDir ?? DEFAULT_OUT_DIR,
      emptyOutDir: true,
      chunkSizeWarningLimit: 2048,
      reportCompressedSize: false,
      // The model plugin's conversion takes a moment by design: no timing report about it.
      rolldownOptions: { checks: { bundlerTimings: false } },
    },
    plugins: [isolationHeadersPlugin(), defaultModelPlugin()],
  };
}

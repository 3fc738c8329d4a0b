import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { playwright } from '@vitest/browser-playwright';
import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

const root = dirname(fileURLToPath(import.meta.url));

/**
 * `../shared` (golden tensors, images, the CLIP vocabulary) sits beside the
 * checkout in CI and on developer machines; a user's fresh clone may not have
 * it. Tests reach it only through `describeWithShared` / `itWithShared` / `sharedDir` from `@clipseg/core/testing`,
 * which skip cleanly when it is the empty string.
 */
function findShared(): string {
  const candidates = [process.env.CLIPSEG_SHARED_DIR, resolve(root, '../shared')];
  for (const candidate of candidates) {
    if (candidate && existsSync(resolve(candidate, 'golden/README.md'))) return resolve(candidate);
  }
  // CI has ../shared: there a missing folder is an error, not 119 silently skipped tests.
  if (process.env.CLIPSEG_REQUIRE_SHARED === '1') {
    throw new Error(`CLIPSEG_REQUIRE_SHARED=1 but no shared folder with golden/README.md was found (looked at ${candidates.filter(Boolean).join(', ')}). Put it beside the checkout or set CLIPSEG_SHARED_DIR.`);
  }
  return '';
}

const condition = 'clipseg-source';

/**
 * Browser tests (`*.browser.test.ts`) run in headless Chromium through playwright, using Debian's
 * `/usr/bin/chromium` (or `CLIPSEG_CHROMIUM`): playwright never downloads a browser here. `.ci/run` installs
 * Chromium; elsewhere, without it, the browser project is left out with a warning (never in CI).
 */
const chromium = process.env.CLIPSEG_CHROMIUM || '/usr/bin/chromium';
const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const withBrowser = existsSync(chromium) || process.env.CI === 'true';
if (!withBrowser) console.warn(`vitest: ${chromium} is missing, so the browser tests (*.browser.test.ts) are left out. Install it (apt-get install -y chromium) or set CLIPSEG_CHROMIUM.`);

const launch = (extraArgs: string[] = []) =>
  playwright({ launchOptions: { executablePath: chromium, headless: true, args: [...chromiumArgs, ...extraArgs] } });

const nodeProject: TestProjectInlineConfiguration = {
  extends: true,
  test: {
    name: 'node',
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', '**/*.browser.test.ts'],
  },
};

const serverSourceResolution = { conditions: [condition, ...defaultServerConditions], externalConditions: [condition] };

const browserProject: TestProjectInlineConfiguration = {
  extends: true,
  // Global setup runs in Vitest's own `__vitest__` environment, which does not inherit `ssr.resolve`: without
  // this, a clean checkout (no dist/) cannot resolve the workspace packages there.
  environments: { __vitest__: { resolve: serverSourceResolution } },
  // Cross-origin isolation, so onnxruntime-web may use WASM threads (SharedArrayBuffer).
  server: { headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } },
  // Pre-bundling would move onnxruntime-web away from its .wasm files and worker entry.
  // The editor's Rete/lit dependencies are pre-bundled up front: discovering them mid-run reloads the page and
  // fails that run's first editor test when the dependency cache predates them.
  optimizeDeps: {
    exclude: ['onnxruntime-web'],
    include: [
      '@clipseg/node-editor > lit',
      '@clipseg/node-editor > rete',
      '@clipseg/node-editor > rete-area-plugin',
      '@clipseg/node-editor > rete-connection-plugin',
      '@clipseg/node-editor > rete-engine',
      '@clipseg/node-editor > rete-history-plugin',
      '@clipseg/node-editor > rete-context-menu-plugin',
      '@clipseg/node-editor > rete-minimap-plugin',
      '@clipseg/node-editor > rete-render-utils',
      '@clipseg/node-editor > @retejs/lit-plugin',
    ],
  },
  test: {
    name: 'browser',
    include: ['packages/*/src/**/*.browser.test.ts', 'apps/*/src/**/*.browser.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    globalSetup: ['packages/runtime-web/test/browser-global-setup.ts'],
    browser: {
      enabled: true,
      headless: true,
      screenshotFailures: false,
      provider: launch(),
      instances: [
        { browser: 'chromium', name: 'chromium', exclude: ['**/node_modules/**', '**/dist/**', '**/*.webgpu.browser.test.ts'] },
        // WebGPU through SwiftShader (CPU-emulated): only the *.webgpu.browser.test.ts files.
        {
          browser: 'chromium',
          name: 'chromium-webgpu',
          include: ['packages/*/src/**/*.webgpu.browser.test.ts'],
          provider: launch(['--enable-unsafe-webgpu']),
        },
      ],
    },
  },
};

export default defineConfig({
  resolve: { conditions: [condition, ...defaultClientConditions] },
  ssr: { resolve: serverSourceResolution },
  test: {
    projects: withBrowser ? [nodeProject, browserProject] : [nodeProject],
    provide: { sharedDir: findShared(), repoRoot: root },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
  },
});

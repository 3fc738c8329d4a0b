import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

const root = dirname(fileURLToPath(import.meta.url));

/**
 * `../shared` (golden tensors, images, the CLIP vocabulary) sits beside the
 * checkout in CI and on developer machines; a user's fresh clone may not have
 * it. Tests read the resolved path with `inject('sharedDir')` and skip, with a
 * message, when it is the empty string.
 */
function findShared(): string {
  const candidates = [process.env.CLIPSEG_SHARED_DIR, resolve(root, '../shared')];
  for (const candidate of candidates) {
    if (candidate && existsSync(resolve(candidate, 'golden/README.md'))) return resolve(candidate);
  }
  return '';
}

const condition = 'clipseg-source';

export default defineConfig({
  resolve: { conditions: [condition, ...defaultClientConditions] },
  ssr: { resolve: { conditions: [condition, ...defaultServerConditions], externalConditions: [condition] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', '**/*.browser.test.ts'],
    provide: { sharedDir: findShared(), repoRoot: root },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
  },
});


// Builds bench/size-app with vite (production, minified) and reports, per chunk, minified and gzip sizes:
// what @clipseg/runtime-web + core + processor add, apart from onnxruntime-web's own chunk and .wasm files.
// Run: pnpm --filter @clipseg/runtime-web bench:size
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, defaultClientConditions, type Rollup } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));

/** Sizes of one build: the app's own JS (runtime-web + core + processor + the app) and onnxruntime-web's. */
export interface BundleSizes {
  readonly appMinified: number;
  readonly appGzip: number;
  readonly ortMinified: number;
  readonly ortGzip: number;
  readonly wasmAssets: readonly string[];
  /** Bytes each @clipseg package contributes to the app's chunks, as rendered before minification. */
  readonly byPackage: Readonly<Record<string, number>>;
  /** Bytes of the tokenizer's HTML-entity table, as rendered before minification. */
  readonly htmlEntities: number;
  /** Gzip bytes the HTML-entity table adds (the app's chunks gzipped with and without it). */
  readonly htmlEntitiesGzip: number;
}

/** Builds the size app twice (with and without the HTML-entity table) and measures it. */
export async function measureBundleSize(): Promise<BundleSizes> {
  const full = await measure(false);
  const without = await measure(true);
  return { ...full, htmlEntitiesGzip: full.appGzip - without.appGzip };
}

/** Builds the size app once and measures it. */
export async function measure(withoutEntities: boolean): Promise<Omit<BundleSizes, 'htmlEntitiesGzip'>> {
  const entities = /packages\/core\/src\/tokenizer\/html-entities\.ts$/;
  const output = (await build({
    root: join(here, 'size-app'),
    logLevel: 'silent',
    configFile: false,
    resolve: { conditions: ['clipseg-source', ...defaultClientConditions] },
    plugins: withoutEntities ? [{ name: 'no-html-entities', enforce: 'pre', load: (id) => (entities.test(id) ? readFileSync(join(here, 'size-app/no-html-entities.ts'), 'utf8') : undefined) }] : [],
    build: { write: false, minify: true, modulePreload: false, reportCompressedSize: false },
  })) as Rollup.RollupOutput;
  let appMinified = 0;
  let appGzip = 0;
  let ortMinified = 0;
  let ortGzip = 0;
  const byPackage: Record<string, number> = {};
  let htmlEntities = 0;
  const wasmAssets: string[] = [];
  for (const item of output.output) {
    if (item.type === 'asset') {
      if (item.fileName.endsWith('.wasm')) wasmAssets.push(item.fileName);
      continue;
    }
    const ids = Object.keys(item.modules).filter((id) => !id.includes('rolldown/runtime') && !id.startsWith('\0'));
    const isOrt = ids.length > 0 && ids.every((id) => id.includes('onnxruntime-web'));
    const gz = gzipSync(item.code, { level: 9 }).length;
    if (isOrt) {
      ortMinified += item.code.length;
      ortGzip += gz;
      continue;
    }
    appMinified += item.code.length;
    appGzip += gz;
    for (const [id, info] of Object.entries(item.modules)) {
      const pkg = /packages\/([\w-]+)\/src\//.exec(id)?.[1] ?? (id.includes('node_modules') ? 'node_modules' : 'app');
      byPackage[pkg] = (byPackage[pkg] ?? 0) + info.renderedLength;
      if (id.endsWith('html-entities.ts')) {
        htmlEntities += info.renderedLength;
      }
    }
  }
  return { appMinified, appGzip, ortMinified, ortGzip, wasmAssets, byPackage, htmlEntities };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const sizes = await measureBundleSize();
  const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;
  console.log(`app chunks (runtime-web + core + processor + app): ${kb(sizes.appMinified)} minified, ${kb(sizes.appGzip)} gzip`);
  console.log(`  by package (rendered, before minification): ${Object.entries(sizes.byPackage).map(([p, n]) => `${p} ${kb(n)}`).join(', ')}`);
  console.log(`  of which the tokenizer's HTML-entity table: ${kb(sizes.htmlEntities)} rendered, ${kb(sizes.htmlEntitiesGzip)} of the gzip total`);
  console.log(`onnxruntime-web chunk (loaded on first use): ${kb(sizes.ortMinified)} minified, ${kb(sizes.ortGzip)} gzip; wasm: ${sizes.wasmAssets.join(', ')}`);
}

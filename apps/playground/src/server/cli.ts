// The playground's command line: `dev` (Vite dev server), `build` (production build into dist/), `preview` (build
// when needed, then serve dist/). Run from anywhere: node --conditions=clipseg-source --import tsx src/server/cli.ts dev
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { build, createServer, preview } from 'vite';
import { DEFAULT_OUT_DIR, playgroundViteConfig } from './vite-config.js';

const USAGE = `usage: playground <dev|build|preview> [--port N] [--host HOST] [--rebuild]
  dev       start the Vite dev server (default port 5180)
  build     write the production app to apps/playground/dist
  preview   serve the production app (built first when dist/ is missing or --rebuild; default port 4180)
  --host    listen address (default localhost; 0.0.0.0 to share on the network)`;

async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { port: { type: 'string' }, host: { type: 'string' }, rebuild: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  const command = positionals[0] ?? 'dev';
  if (values.help || !['dev', 'build', 'preview'].includes(command)) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const port = Number(values.port ?? process.env.PLAYGROUND_PORT ?? (command === 'preview' ? 4180 : 5180));
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`error[PLAYGROUND_USAGE]: --port must be a port number, got '${values.port}'.`);
    return 2;
  }
  const config = playgroundViteConfig({ port, ...(values.host ? { host: values.host } : {}) });

  if (command === 'build' || (command === 'preview' && (values.rebuild || !existsSync(join(DEFAULT_OUT_DIR, 'index.html'))))) {
    await build(config);
    if (command === 'build') return 0;
  }
  const server = command === 'dev' ? await (await createServer(config)).listen() : await preview(config);
  const url = server.resolvedUrls?.local[0] ?? `http://${config.server?.host}:${port}/`;
  console.log(`\n  CLIPSeg playground (${command === 'dev' ? 'dev server' : 'production preview'}) is running at ${url}`);
  console.log('  Open it in a browser: drop an image, type prompts, see masks. Ctrl+C stops it.\n');
  server.printUrls();
  return -1; // keep serving
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    const e = error as { code?: string; message?: string };
    if (e.code === 'EADDRINUSE' || /already in use/.test(e.message ?? '')) {
      console.error(`error[PLAYGROUND_PORT_IN_USE]: ${e.message}. Another server (perhaps a playground already running) uses it: open that one, stop it, or pass --port N (or set PLAYGROUND_PORT).`);
    } else console.error(error);
    process.exit(1);
  },
);

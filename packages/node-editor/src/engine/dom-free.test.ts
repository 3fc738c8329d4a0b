import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [join(dir, e.name)] : []));

describe('@clipseg/node-editor/engine', () => {
  it('imports neither lit, Rete, a runtime nor node: modules, and touches no DOM global', () => {
    const files = sources(here);
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const imports = [...text.matchAll(/from '([^']+)'/g)].map((m) => m[1]!);
      for (const spec of imports) expect(spec, `${file} imports ${spec}`).toMatch(/^(\.\.?\/|@clipseg\/(core|processor)$)/);
      expect(text, file).not.toMatch(/\b(document\.|window\.|globalThis\.document|customElements|HTMLElement)/);
    }
  });

  it('loads in Node without a DOM', async () => {
    expect(typeof (globalThis as { document?: unknown }).document).toBe('undefined');
    const engine = await import('./index.js');
    expect(engine.createDefaultRegistry().types()).toContain('clipseg');
  });
});

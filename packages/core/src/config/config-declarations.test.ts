/**
 * The field tables carry each field's TSDoc; this checks that the declarations a build emits still show it where a
 * user of `dist` looks: on the properties of a config instance, of its `…Fields` type and of its defaults.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { CLIPSEG_CONFIG_FIELDS } from './clipseg-config.js';
import { VIT_IMAGE_PROCESSOR_FIELDS } from './preprocessor-config.js';
import { CLIPSEG_TEXT_CONFIG_FIELDS } from './text-config.js';
import { CLIPSEG_VISION_CONFIG_FIELDS } from './vision-config.js';

const here = dirname(fileURLToPath(import.meta.url));
const OUT = '/declarations';

const CONFIGS = [
  { module: 'text-config', table: 'CLIPSEG_TEXT_CONFIG_FIELDS', cls: 'CLIPSegTextConfig', fields: 'CLIPSegTextConfigFields', defaults: 'CLIPSEG_TEXT_CONFIG_DEFAULTS', keys: Object.keys(CLIPSEG_TEXT_CONFIG_FIELDS) },
  { module: 'vision-config', table: 'CLIPSEG_VISION_CONFIG_FIELDS', cls: 'CLIPSegVisionConfig', fields: 'CLIPSegVisionConfigFields', defaults: 'CLIPSEG_VISION_CONFIG_DEFAULTS', keys: Object.keys(CLIPSEG_VISION_CONFIG_FIELDS) },
  { module: 'clipseg-config', table: 'CLIPSEG_CONFIG_FIELDS', cls: 'CLIPSegConfig', fields: 'CLIPSegConfigFields', defaults: 'CLIPSEG_CONFIG_DEFAULTS', keys: Object.keys(CLIPSEG_CONFIG_FIELDS) },
  { module: 'preprocessor-config', table: 'VIT_IMAGE_PROCESSOR_FIELDS', cls: 'ViTImageProcessorConfig', fields: 'ViTImageProcessorFields', defaults: 'VIT_IMAGE_PROCESSOR_DEFAULTS', keys: Object.keys(VIT_IMAGE_PROCESSOR_FIELDS) },
];

/** Emits the declarations of the config modules into memory, as `tsc -p tsconfig.build.json` would. */
function emitDeclarations(): Map<string, string> {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    declaration: true,
    emitDeclarationOnly: true,
    skipLibCheck: true,
    types: [],
    rootDir: dirname(here),
    outDir: OUT,
  };
  const program = ts.createProgram(
    CONFIGS.map((c) => join(here, `${c.module}.ts`)),
    options,
  );
  const files = new Map<string, string>();
  const result = program.emit(undefined, (name, text) => files.set(name, text));
  expect(result.diagnostics).toEqual([]);
  return files;
}

/** A language service over the emitted declarations and one consumer file, as an editor of a `dist` user has. */
function consumerService(declarations: Map<string, string>, consumer: string): ts.LanguageService {
  const files = new Map(declarations).set(`${OUT}/consumer.ts`, consumer);
  const host: ts.LanguageServiceHost = {
    getScriptFileNames: () => [`${OUT}/consumer.ts`],
    getScriptVersion: () => '1',
    getScriptSnapshot: (name) => {
      const text = files.get(name) ?? ts.sys.readFile(name);
      return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
    },
    getCurrentDirectory: () => OUT,
    getCompilationSettings: () => ({ target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, strict: true, types: [], noEmit: true }),
    getDefaultLibFileName: (options) => ts.getDefaultLibFilePath(options),
    fileExists: (name) => files.has(name) || ts.sys.fileExists(name),
    readFile: (name) => files.get(name) ?? ts.sys.readFile(name),
  };
  return ts.createLanguageService(host);
}

describe('config declarations', () => {
  it('show each field’s TSDoc on instances, on the …Fields types and on the defaults', () => {
    const declarations = emitDeclarations();
    const lines: string[] = [];
    const probes: { config: string; key: string; where: 'table' | 'instance' | 'fields' | 'defaults'; at: number }[] = [];
    let text = '';
    const add = (line: string): void => {
      lines.push(line);
      text += `${line}\n`;
    };
    for (const c of CONFIGS) add(`import { ${c.table}, ${c.cls}, ${c.defaults} } from './config/${c.module}.js';\nimport type { ${c.fields} } from './config/${c.module}.js';`);
    for (const c of CONFIGS) {
      add(`declare const ${c.cls}_instance: ${c.cls};\ndeclare const ${c.cls}_fields: ${c.fields};`);
      for (const key of c.keys) {
        for (const [where, target] of [
          ['table', c.table],
          ['instance', `${c.cls}_instance`],
          ['fields', `${c.cls}_fields`],
          ['defaults', c.defaults],
        ] as const) {
          const prefix = `${target}.`;
          probes.push({ config: c.cls, key, where, at: text.length + prefix.length + 1 });
          add(`${prefix}${key};`);
        }
      }
    }
    const service = consumerService(declarations, text);
    expect(service.getSemanticDiagnostics(`${OUT}/consumer.ts`).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);

    const docs = new Map<string, string>();
    for (const probe of probes) {
      const info = service.getQuickInfoAtPosition(`${OUT}/consumer.ts`, probe.at);
      const doc = ts.displayPartsToString(info?.documentation);
      const id = `${probe.config}.${probe.key}`;
      if (probe.where === 'table') {
        expect(doc, `TSDoc of ${id} in the table`).not.toBe('');
        docs.set(id, doc);
      } else {
        expect(`${probe.where} ${id}: ${doc}`).toBe(`${probe.where} ${id}: ${docs.get(id)}`);
      }
    }
    expect(docs.get('CLIPSegTextConfig.vocab_size')).toBe('Number of token embeddings. HF default 49408.');
    expect(docs.get('ViTImageProcessorConfig.do_convert_rgb')).toBe("Convert to RGB first; `null` (HF's default) leaves it to the caller.");
  });
});

import { dirname, isAbsolute, join, resolve } from 'node:path';
import { createDefaultRegistry, EXAMPLE_SCENE_SOURCE, NodeEditorError, parseWorkflow, WorkflowExecutor, type NodeResult, type Workflow, type WorkflowPipeline } from '@clipseg/node-editor/engine';
import { exampleScene, type RasterImage } from '@clipseg/processor';
import { decodeImage, type DecodeImageOptions, DEFAULT_MAX_PIXELS, encodePng, loadCLIPSeg, type LoadCLIPSegOptions, writeFilesAtomic } from '@clipseg/runtime-node';
import { joinInside, MAX_WORKFLOW_BYTES } from '@clipseg/runtime-node/io';
import { CliError } from '../cli-error.js';
import type { CliIO, Command } from '../command.js';
import { resolveModel } from '../model-option.js';
import { MODEL_OPTION_HELP } from '../model-help.js';
import { prepareOutDir } from '../out-dir.js';
import { MAX_THREADS, type OptionTable, parseCommandArgs, positiveInt, threadsOption, verifyOption } from '../parse-options.js';
import { ProgressBar } from '../progress.js';
import { readInputFile } from '../read-input.js';

const usage = `Usage: clipseg run WORKFLOW.json [--input IMAGE...] [--model MODEL] [--out DIR] [options]

Runs a workflow saved by the node editor (@clipseg/node-editor), headless: every node in dependency order, each
distinct image encoded once. Export nodes write their files to --out; Mask and Heatmap preview nodes write
NODE_ID.preview.png. Nothing is written unless every node succeeds, except that a node connected to nothing
which cannot run (an Export node with no mask, say) is reported on stderr and skipped, as the editor does.

Options:
  --input IMAGE              an image for the workflow's Image nodes, in the order they appear in the file;
                             repeat it, or bind one node with --input NODE_ID=IMAGE. An Image node without an
                             --input reads its own source (a path relative to the workflow file, a data: URL,
                             or example:scene, the playground's built-in example scene)
  --model MODEL              the model every CLIPSeg node uses: a bundle, HF checkpoint folder or pulled
                             Hub id (below); default: a built-in RANDOM tiny model
  --bundle NAME=BUNDLE       the bundle for CLIPSeg nodes whose Bundle control is NAME (repeatable)
  --out DIR                  where outputs go (default ./clipseg-out)
  --no-previews              do not write preview images
  --strict                   fail (and write nothing) when a node connected to nothing cannot run
  --json                     print a machine-readable report on stdout
  --max-pixels N             refuse larger images (default ${DEFAULT_MAX_PIXELS})
  --threads N                onnxruntime intra-op threads, 1 to ${MAX_THREADS} (default: onnxruntime's choice)
  --verify size|sha256|none  check bundle files against the manifest (default size)

The workflow file may be at most ${MAX_WORKFLOW_BYTES / (1 << 20)} MiB. Every file name a workflow gives (Export names, and
the ids of preview nodes) must be a plain name inside --out.

${MODEL_OPTION_HELP}`;

const optionTable = {
  input: { type: 'string', multiple: true },
  model: { type: 'string' },
  bundle: { type: 'string', multiple: true },
  out: { type: 'string', default: 'clipseg-out' },
  'no-previews': { type: 'boolean', default: false },
  strict: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  'max-pixels': { type: 'string' },
  threads: { type: 'string' },
  verify: { type: 'string', default: 'size' },
} as const satisfies OptionTable;

const PREVIEW_TYPES = new Set(['mask-preview', 'heatmap-preview']);

/** Where a preview node's image goes: `NODE_ID.preview.png` inside `outDir`, the id checked as a plain name. */
function previewPath(outDir: string, nodeId: string): string {
  return joinInside(outDir, `${nodeId}.preview.png`, `the preview file name of node ${JSON.stringify(nodeId)}`);
}

function pairs(values: readonly string[], option: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const value of values) {
    const at = value.indexOf('=');
    if (at <= 0 || at === value.length - 1) throw new CliError('CLI_USAGE', `${option} takes NAME=PATH, got '${value}'.`);
    out.set(value.slice(0, at), value.slice(at + 1));
  }
  return out;
}

/** Binds `--input` values to Image nodes: `NODE_ID=FILE` by id, plain files in the order of the file's Image nodes. */
function bindInputs(workflow: Workflow, inputs: readonly string[]): Map<string, string> {
  const imageNodes = workflow.nodes.filter((n) => n.type === 'image').map((n) => n.id);
  const bound = new Map<string, string>();
  const plain: string[] = [];
  for (const input of inputs) {
    const at = input.indexOf('=');
    const id = at > 0 ? input.slice(0, at) : undefined;
    if (id !== undefined && imageNodes.includes(id)) {
      if (bound.has(id)) throw new CliError('CLI_USAGE', `--input binds Image node '${id}' twice.`);
      bound.set(id, input.slice(at + 1));
    } else {
      plain.push(input);
    }
  }
  const free = imageNodes.filter((id) => !bound.has(id));
  if (plain.length > free.length) {
    throw new CliError('CLI_USAGE', `${inputs.length} --input value(s) for ${imageNodes.length} Image node(s) (${imageNodes.join(', ') || 'none'}); give one per Image node, or NODE_ID=IMAGE.`);
  }
  plain.forEach((file, i) => bound.set(free[i]!, file));
  return bound;
}

async function sourceImage(source: string, base: string, decode: DecodeImageOptions): Promise<RasterImage> {
  if (source.trim() === EXAMPLE_SCENE_SOURCE) return exampleScene();
  if (source.startsWith('data:')) {
    const comma = source.indexOf(',');
    const meta = source.slice(5, comma);
    if (comma < 0 || !meta.endsWith(';base64')) throw new NodeEditorError('WORKFLOW_IMAGE_UNAVAILABLE', 'A data: URL image source must be base64-encoded.');
    return decodeImage(new Uint8Array(Buffer.from(source.slice(comma + 1), 'base64')), decode);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) {
    throw new NodeEditorError('WORKFLOW_IMAGE_UNAVAILABLE', `The Image node's source is a URL (${source}); headless runs read files: pass --input IMAGE.`);
  }
  return decodeImage(isAbsolute(source) ? source : resolve(base, source), decode);
}

interface NodeReport {
  readonly id: string;
  readonly type: string;
  readonly state: string;
  readonly files: string[];
  readonly error?: { code: string; message: string };
}

async function outputFiles(workflow: Workflow, results: ReadonlyMap<string, NodeResult>, outDir: string, previews: boolean, reports: Map<string, NodeReport>) {
  const files: [string, Uint8Array][] = [];
  const taken = new Map<string, string>();
  const add = (nodeId: string, name: string, bytes: Uint8Array) => {
    const other = taken.get(name);
    if (other !== undefined) throw new CliError('CLI_INPUT_INVALID', `Nodes ${other} and ${nodeId} both write ${name}; give the Export nodes different file names.`);
    taken.set(name, nodeId);
    files.push([joinInside(outDir, name, `the file name of node ${JSON.stringify(nodeId)}`), bytes]);
    reports.get(nodeId)?.files.push(name);
  };
  for (const node of workflow.nodes) {
    const result = results.get(node.id);
    if (result === undefined) continue;
    for (const artifact of result.artifacts ?? []) {
      add(node.id, artifact.fileName, artifact.kind === 'png' ? await encodePng(artifact.image) : new TextEncoder().encode(`${JSON.stringify(artifact.data)}\n`));
    }
    if (previews && result.preview?.kind === 'image' && PREVIEW_TYPES.has(node.type)) {
      add(node.id, `${node.id}.preview.png`, await encodePng(result.preview.image));
    }
  }
  return files;
}

/** `clipseg run`: runs a node-editor workflow headless. */
export const runWorkflowCommand: Command = {
  name: 'run',
  summary: 'Run a node-editor workflow (JSON) headless',
  usage,
  options: optionTable,
  async run(args, io: CliIO) {
    const { values, positionals } = parseCommandArgs(args, optionTable);
    if (positionals.length !== 1) throw new CliError('CLI_USAGE', `Give exactly one WORKFLOW.json, got ${positionals.length}.`);
    const verify = verifyOption(values.verify);
    const threads = threadsOption(values.threads);
    const decode: DecodeImageOptions = { maxPixels: positiveInt(values['max-pixels'], '--max-pixels') ?? DEFAULT_MAX_PIXELS };
    const bundleDirs = pairs(values.bundle ?? [], '--bundle');
    const outDir = resolve(io.cwd, values.out);

    // Everything that can fail on input is checked before a model loads.
    const file = resolve(io.cwd, positionals[0]!);
    const text = new TextDecoder().decode(await readInputFile(file, `the workflow ${file}`, MAX_WORKFLOW_BYTES));
    const registry = createDefaultRegistry();
    const workflow = parseWorkflow(text, { registry });
    if (!values['no-previews']) for (const node of workflow.nodes) if (PREVIEW_TYPES.has(node.type)) previewPath(outDir, node.id);
    const bindings = bindInputs(workflow, values.input ?? []);
    const images = new Map<string, RasterImage>();
    for (const [nodeId, path] of bindings) images.set(nodeId, await decodeImage(resolve(io.cwd, path), decode));
    await prepareOutDir(outDir);

    const warn = (message: string) => io.stderr(`warning: ${message}\n`);
    const options: LoadCLIPSegOptions = { verify, onWarning: warn, sessionOptions: threads === undefined ? {} : { intraOpNumThreads: threads } };
    const loaded = new Map<string, Promise<WorkflowPipeline>>();
    const pipeline = (bundle: string) => {
      let seg = loaded.get(bundle);
      if (seg === undefined) {
        const dir = bundleDirs.get(bundle);
        seg = (dir === undefined ? resolveModel(values.model, io) : Promise.resolve(resolve(io.cwd, dir))).then((d) => loadCLIPSeg(d, options));
        loaded.set(bundle, seg);
      }
      return seg;
    };
    const executor = new WorkflowExecutor({
      registry,
      services: {
        pipeline,
        loadImage: (source, { nodeId }) => {
          const bound = images.get(nodeId);
          if (bound !== undefined) return bound;
          if (source.trim() === '') throw new NodeEditorError('WORKFLOW_IMAGE_UNAVAILABLE', `Image node '${nodeId}' has no source; pass --input ${nodeId}=IMAGE.`);
          return sourceImage(source, dirname(file), decode);
        },
        onWarning: warn,
      },
    });
    const bar = new ProgressBar(io);
    const reports = new Map<string, NodeReport>(workflow.nodes.map((n) => [n.id, { id: n.id, type: n.type, state: 'idle', files: [] }]));
    let files: [string, Uint8Array][];
    try {
      let finished = 0;
      const result = await executor.run(workflow, {
        onStatus: (id, status) => {
          const report = reports.get(id)!;
          reports.set(id, { ...report, state: status.state, ...(status.error ? { error: status.error } : {}) });
          if (status.state === 'running') bar.update(`running ${id} (${report.type})${status.message ? `: ${status.message}` : ''}`, finished / workflow.nodes.length);
          if (status.state === 'done' || status.state === 'error' || status.state === 'blocked') finished++;
        },
      });
      bar.update('writing outputs', 1);
      const why = (r: NodeReport) => (r.error ? `error[${r.error.code}] ${r.error.message}` : `blocked: ${result.statuses.get(r.id)?.message ?? ''}`);
      const connected = new Set(workflow.connections.flatMap((c) => [c.source, c.target]));
      const unfinished = [...reports.values()].filter((r) => r.state === 'error' || r.state === 'blocked');
      // A node connected to nothing feeds no output: report it and write the rest, as the editor does (not with --strict).
      const isolated = values.strict ? [] : unfinished.filter((r) => !connected.has(r.id));
      for (const r of isolated) warn(`node ${r.id} (${r.type}) is connected to nothing and did not run (${why(r)}); skipped (--strict fails instead).`);
      const failed = unfinished.filter((r) => !isolated.includes(r));
      if (failed.length > 0) {
        const lines = failed.map((r) => `  ${r.id} (${r.type}): ${why(r)}`);
        throw new NodeEditorError('WORKFLOW_NODE_FAILED', `${failed.length} node(s) did not finish, so nothing was written:\n${lines.join('\n')}`, { details: { nodes: failed } });
      }
      files = await outputFiles(workflow, result.results, outDir, !values['no-previews'], reports);
    } finally {
      bar.done();
      executor.dispose();
      for (const seg of loaded.values()) await seg.then((s) => s.dispose(), () => undefined);
    }
    await writeFilesAtomic(files);
    if (values.json) {
      io.stdout(`${JSON.stringify({ workflow: file, outDir, nodes: [...reports.values()] })}\n`);
    } else {
      for (const r of reports.values()) if (r.files.length > 0) io.stdout(`${r.id} (${r.type}) → ${r.files.map((f) => join(values.out, f)).join(', ')}\n`);
    }
    return 0;
  },
};

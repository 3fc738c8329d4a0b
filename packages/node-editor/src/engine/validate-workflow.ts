import { checkControlValue, describe, type ControlValue } from './controls.js';
import { NodeEditorError } from './errors.js';
import { topologicalOrder } from './graph-order.js';
import { BUILTIN_MIGRATIONS, migrateWorkflowDocument, type WorkflowMigration } from './migrations.js';
import type { NodeDefinition } from './node-definition.js';
import type { NodeRegistry } from './node-registry.js';
import { canConnect } from './sockets.js';
import { WORKFLOW_FORMAT, WORKFLOW_VERSION, type Workflow, type WorkflowConnection, type WorkflowNode, type WorkflowProblem, type WorkflowProblemCode } from './workflow.js';

/** Options of {@link validateWorkflow} and {@link parseWorkflow}. */
export interface ValidateWorkflowOptions {
  /** The node types the workflow may use. */
  readonly registry: NodeRegistry;
  /** Migrations to older versions, tried before the built-in ones. */
  readonly migrations?: readonly WorkflowMigration[];
}

/** The outcome of {@link validateWorkflow}: the normalised workflow, or every problem found. */
export type WorkflowValidation = { readonly ok: true; readonly workflow: Workflow } | { readonly ok: false; readonly problems: readonly WorkflowProblem[] };

const TOP_KEYS = ['format', 'version', 'name', 'nodes', 'connections', 'metadata'];
const NODE_KEYS = ['id', 'type', 'label', 'position', 'controls'];
const CONNECTION_KEYS = ['source', 'sourceOutput', 'target', 'targetInput'];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deepest nesting accepted in `metadata`, which is kept as is and written back with `JSON.stringify`. */
const MAX_METADATA_DEPTH = 64;

/** True when `value` nests arrays or objects more than `limit` levels deep; iterative, so any depth is safe. */
function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (typeof item !== 'object' || item === null) continue;
    if (depth > limit) return true;
    for (const member of Object.values(item)) stack.push([member, depth + 1]);
  }
  return false;
}

class Problems {
  readonly list: WorkflowProblem[] = [];
  add(code: WorkflowProblemCode, path: string, message: string): void {
    this.list.push({ code, path, message });
  }
  unknownKeys(o: Record<string, unknown>, allowed: readonly string[], path: string): void {
    for (const key of Object.keys(o)) if (!allowed.includes(key)) this.add('WORKFLOW_FIELD_UNKNOWN', `${path}.${key}`, `unknown field '${key}' (allowed: ${allowed.join(', ')}).`);
  }
  string(o: Record<string, unknown>, key: string, path: string, required: boolean): string | undefined {
    const v = o[key];
    if (v === undefined) {
      if (required) this.add('WORKFLOW_FIELD_MISSING', `${path}.${key}`, `'${key}' is missing.`);
      return undefined;
    }
    if (typeof v !== 'string' || (required && v === '')) {
      this.add('WORKFLOW_FIELD_INVALID', `${path}.${key}`, `'${key}' must be a non-empty string, got ${describe(v)}.`);
      return undefined;
    }
    return v;
  }
}

function checkNode(raw: unknown, path: string, registry: NodeRegistry, problems: Problems): { node: WorkflowNode; definition: NodeDefinition | undefined } | undefined {
  if (!isObject(raw)) {
    problems.add('WORKFLOW_NOT_OBJECT', path, `a node must be an object, got ${describe(raw)}.`);
    return undefined;
  }
  problems.unknownKeys(raw, NODE_KEYS, path);
  const id = problems.string(raw, 'id', path, true);
  const type = problems.string(raw, 'type', path, true);
  const label = problems.string(raw, 'label', path, false);
  let position: WorkflowNode['position'];
  if (raw.position !== undefined) {
    const p = raw.position;
    if (isObject(p) && Number.isFinite(p.x) && Number.isFinite(p.y) && Object.keys(p).every((k) => k === 'x' || k === 'y')) position = { x: p.x as number, y: p.y as number };
    else problems.add('WORKFLOW_FIELD_INVALID', `${path}.position`, `'position' must be { x, y } with finite numbers, got ${describe(p)}.`);
  }
  const definition = type === undefined ? undefined : registry.find(type);
  if (type !== undefined && definition === undefined) {
    problems.add('WORKFLOW_NODE_UNKNOWN_TYPE', `${path}.type`, `unknown node type '${type}' (known: ${registry.types().join(', ')}).`);
  }
  const controls: Record<string, ControlValue> = {};
  if (raw.controls !== undefined && !isObject(raw.controls)) {
    problems.add('WORKFLOW_FIELD_INVALID', `${path}.controls`, `'controls' must be an object, got ${describe(raw.controls)}.`);
  } else if (definition !== undefined) {
    const given = (raw.controls ?? {}) as Record<string, unknown>;
    for (const key of Object.keys(given)) {
      if (!definition.controls.some((c) => c.key === key)) problems.add('WORKFLOW_CONTROL_UNKNOWN', `${path}.controls.${key}`, `node type '${definition.type}' has no control '${key}'.`);
    }
    for (const spec of definition.controls) {
      const value = given[spec.key];
      if (value === undefined) {
        controls[spec.key] = spec.default;
        continue;
      }
      const wrong = checkControlValue(spec, value);
      if (wrong === undefined) controls[spec.key] = value as ControlValue;
      else problems.add('WORKFLOW_CONTROL_INVALID', `${path}.controls.${spec.key}`, `${spec.label} ${wrong}.`);
    }
  }
  if (id === undefined || type === undefined) return undefined;
  const node: WorkflowNode = { id, type, ...(label === undefined ? {} : { label }), ...(position === undefined ? {} : { position }), controls };
  return { node, definition };
}

function checkConnection(raw: unknown, path: string, nodes: ReadonlyMap<string, NodeDefinition | undefined>, taken: Set<string>, problems: Problems): WorkflowConnection | undefined {
  if (!isObject(raw)) {
    problems.add('WORKFLOW_NOT_OBJECT', path, `a connection must be an object, got ${describe(raw)}.`);
    return undefined;
  }
  problems.unknownKeys(raw, CONNECTION_KEYS, path);
  const [source, sourceOutput, target, targetInput] = CONNECTION_KEYS.map((k) => problems.string(raw, k, path, true));
  if (source === undefined || sourceOutput === undefined || target === undefined || targetInput === undefined) return undefined;
  let ok = true;
  for (const [end, id] of [['source', source], ['target', target]] as const) {
    if (!nodes.has(id)) {
      problems.add('WORKFLOW_CONNECTION_UNKNOWN_NODE', `${path}.${end}`, `no node has id '${id}'.`);
      ok = false;
    }
  }
  const from = nodes.get(source);
  const to = nodes.get(target);
  if (!ok || from === undefined || to === undefined) return undefined; // unknown node types are reported already
  const output = from.outputs.find((o) => o.key === sourceOutput);
  const input = to.inputs.find((i) => i.key === targetInput);
  if (output === undefined) problems.add('WORKFLOW_CONNECTION_UNKNOWN_PORT', `${path}.sourceOutput`, `node '${source}' (${from.type}) has no output '${sourceOutput}' (outputs: ${from.outputs.map((o) => o.key).join(', ') || 'none'}).`);
  if (input === undefined) problems.add('WORKFLOW_CONNECTION_UNKNOWN_PORT', `${path}.targetInput`, `node '${target}' (${to.type}) has no input '${targetInput}' (inputs: ${to.inputs.map((i) => i.key).join(', ') || 'none'}).`);
  if (output === undefined || input === undefined) return undefined;
  if (!canConnect(output.socket, input.socket)) {
    problems.add('WORKFLOW_CONNECTION_INCOMPATIBLE', path, `${source}.${sourceOutput} is ${output.socket} but ${target}.${targetInput} takes ${input.socket}.`);
    return undefined;
  }
  const slot = `${target}\u0000${targetInput}`;
  const exact = `${slot}\u0000${source}\u0000${sourceOutput}`;
  if (taken.has(exact) || (!input.multiple && taken.has(slot))) {
    problems.add('WORKFLOW_CONNECTION_INPUT_TAKEN', path, `input ${target}.${targetInput} already has ${taken.has(exact) ? 'this connection' : 'a connection'}${input.multiple ? '' : ' and takes only one'}.`);
    return undefined;
  }
  taken.add(slot).add(exact);
  return { source, sourceOutput, target, targetInput };
}

function checkDocument(doc: Readonly<Record<string, unknown>>, registry: NodeRegistry, problems: Problems): Workflow | undefined {
  problems.unknownKeys(doc, TOP_KEYS, '$');
  const name = problems.string(doc, 'name', '$', false);
  if (doc.metadata !== undefined && !isObject(doc.metadata)) problems.add('WORKFLOW_FIELD_INVALID', '$.metadata', `'metadata' must be an object, got ${describe(doc.metadata)}.`);
  else if (nestsDeeperThan(doc.metadata, MAX_METADATA_DEPTH)) {
    problems.add('WORKFLOW_FIELD_INVALID', '$.metadata', `'metadata' nests arrays or objects more than ${MAX_METADATA_DEPTH} levels deep; such a workflow could not be saved again.`);
  }
  const lists = (['nodes', 'connections'] as const).map((key) => {
    const v = doc[key];
    if (v === undefined) problems.add('WORKFLOW_FIELD_MISSING', `$.${key}`, `'${key}' is missing; it is an array (possibly empty).`);
    else if (!Array.isArray(v)) problems.add('WORKFLOW_FIELD_INVALID', `$.${key}`, `'${key}' must be an array, got ${describe(v)}.`);
    return Array.isArray(v) ? (v as unknown[]) : [];
  });
  const nodes: WorkflowNode[] = [];
  const definitions = new Map<string, NodeDefinition | undefined>();
  lists[0]!.forEach((raw, i) => {
    const checked = checkNode(raw, `$.nodes[${i}]`, registry, problems);
    if (checked === undefined) return;
    if (definitions.has(checked.node.id)) {
      problems.add('WORKFLOW_NODE_DUPLICATE_ID', `$.nodes[${i}].id`, `another node already has id '${checked.node.id}'.`);
      return;
    }
    definitions.set(checked.node.id, checked.definition);
    nodes.push(checked.node);
  });
  const taken = new Set<string>();
  const connections = lists[1]!.flatMap((raw, i) => checkConnection(raw, `$.connections[${i}]`, definitions, taken, problems) ?? []);
  const { cyclic } = topologicalOrder(nodes.map((n) => n.id), connections);
  if (cyclic.length > 0) problems.add('WORKFLOW_CYCLE', '$.connections', `connections form a cycle through ${cyclic.join(', ')}; a workflow must be acyclic.`);
  if (problems.list.length > 0) return undefined;
  return {
    format: WORKFLOW_FORMAT,
    version: WORKFLOW_VERSION,
    ...(name === undefined ? {} : { name }),
    nodes,
    connections,
    ...(isObject(doc.metadata) ? { metadata: doc.metadata } : {}),
  };
}

/**
 * Validates a workflow document (an object or its JSON text) against `registry`: upgrades older versions through
 * the migrations, then checks every field, node type, control value and connection. Never throws; returns the
 * normalised workflow (controls with defaults filled in) or **every** problem found.
 */
export function validateWorkflow(input: unknown, options: ValidateWorkflowOptions): WorkflowValidation {
  const problems = new Problems();
  let doc = input;
  if (typeof input === 'string') {
    try {
      doc = JSON.parse(input) as unknown;
    } catch (error) {
      problems.add('WORKFLOW_JSON_INVALID', '$', `not JSON: ${(error as Error).message}`);
      return { ok: false, problems: problems.list };
    }
  }
  if (!isObject(doc)) {
    problems.add('WORKFLOW_NOT_OBJECT', '$', `a workflow is a JSON object, got ${describe(doc)}.`);
    return { ok: false, problems: problems.list };
  }
  if (doc.format !== WORKFLOW_FORMAT) {
    problems.add(doc.format === undefined ? 'WORKFLOW_FIELD_MISSING' : 'WORKFLOW_FORMAT', '$.format', `'format' must be "${WORKFLOW_FORMAT}", got ${describe(doc.format)}.`);
  }
  if (!Number.isSafeInteger(doc.version) || (doc.version as number) < 0) {
    problems.add(doc.version === undefined ? 'WORKFLOW_FIELD_MISSING' : 'WORKFLOW_VERSION_INVALID', '$.version', `'version' must be a non-negative integer, got ${describe(doc.version)}.`);
    return { ok: false, problems: problems.list };
  }
  const migrated = migrateWorkflowDocument(doc, [...(options.migrations ?? []), ...BUILTIN_MIGRATIONS]);
  if ('problem' in migrated) return { ok: false, problems: [...problems.list, migrated.problem] };
  const workflow = checkDocument(migrated.document, options.registry, problems);
  return workflow === undefined ? { ok: false, problems: problems.list } : { ok: true, workflow };
}

/**
 * Like {@link validateWorkflow}, but throws.
 *
 * @throws {@link NodeEditorError} `WORKFLOW_INVALID` listing every problem (`details.problems`)
 */
export function parseWorkflow(input: unknown, options: ValidateWorkflowOptions): Workflow {
  const result = validateWorkflow(input, options);
  if (result.ok) return result.workflow;
  throw new NodeEditorError('WORKFLOW_INVALID', formatProblems(result.problems), { details: { problems: result.problems } });
}

/** The problems as one message: a count, then one `path: message [CODE]` line each. */
export function formatProblems(problems: readonly WorkflowProblem[]): string {
  return `The workflow has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  ${p.path}: ${p.message} [${p.code}]`).join('\n')}`;
}

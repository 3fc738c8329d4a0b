import { ClassicPreset, NodeEditor, Scope, type BaseSchemes, type ConnectionBase, type GetSchemes, type Root } from 'rete';
import { BaseAreaPlugin, type Area2D } from 'rete-area-plugin';
import { Cancelled, DataflowEngine, type DataflowEngineScheme } from 'rete-engine';
import type { ControlValue, ControlValues } from '../engine/controls.js';
import { NodeEditorError } from '../engine/errors.js';
import type { WorkflowMigration } from '../engine/migrations.js';
import type { NodeInputs } from '../engine/node-definition.js';
import type { NodeRegistry } from '../engine/node-registry.js';
import { createDefaultRegistry } from '../engine/nodes/builtin-nodes.js';
import type { NodeStatus } from '../engine/node-status.js';
import { canConnect } from '../engine/sockets.js';
import { validateWorkflow, type WorkflowValidation } from '../engine/validate-workflow.js';
import { WORKFLOW_FORMAT, WORKFLOW_VERSION, type Workflow, type WorkflowPosition } from '../engine/workflow.js';
import { WorkflowExecutor, type WorkflowServices } from '../engine/workflow-executor.js';
import type { WorkflowRun } from '../engine/workflow-run.js';
import { CLIPSegReteNode, CLIPSegSocket, type CLIPSegFieldControl } from './rete-node.js';

/** Rete schemes of an editor holding only our nodes. */
export type CLIPSegSchemes = GetSchemes<CLIPSegReteNode, ClassicPreset.Connection<ClassicPreset.Node, ClassicPreset.Node>>;

/** The undo/redo surface the plugin records control changes into (rete-history-plugin's `HistoryPlugin` fits). */
export interface HistoryLike {
  /** Records an action. */
  add(action: { undo(): void | Promise<void>; redo(): void | Promise<void> }): void;
  /** Ends the latest record, so the next action is undone on its own. */
  separate?(): void;
}

/** Options of {@link CLIPSegPlugin}. */
export interface CLIPSegPluginOptions {
  /** Pipelines and images: the host's runtime (runtime-web in browsers). */
  readonly services: WorkflowServices;
  /** The node types; default `createDefaultRegistry()`. */
  readonly registry?: NodeRegistry;
  /** Quiet time after the last change before a live re-run, in ms; default 300. */
  readonly debounceMs?: number;
  /** Re-run on every change (default true); with false, call {@link CLIPSegPlugin.run}. */
  readonly live?: boolean;
  /** Told why a connection was refused. */
  readonly onConnectionRefused?: (error: NodeEditorError) => void;
  /** Told when a run (live or {@link CLIPSegPlugin.run}) settles: how long it took, whether a newer run replaced it, and each node's last status. */
  readonly onRunSettled?: (summary: RunSummary) => void;
}

/** What {@link CLIPSegPluginOptions.onRunSettled} receives. */
export interface RunSummary {
  /** Wall time from the start of the run until every node settled, in ms. */
  readonly durationMs: number;
  /** True when the run was cancelled (a newer run or a workflow load replaced it). */
  readonly cancelled: boolean;
  /** The last status of each node the run reached. */
  readonly statuses: ReadonlyMap<string, NodeStatus>;
}

type AnyNode = BaseSchemes['Node'];

/**
 * The Rete v2 plugin: use it on an area (`area.use(clipseg)`) of any `NodeEditor`. It refuses connections between
 * incompatible sockets, computes our nodes with rete-engine's `DataflowEngine` (each node's `data()` runs its
 * definition through a {@link WorkflowExecutor}), re-runs live after changes (debounced; a stale run is cancelled
 * with the engine's `reset()` — its pending fetches end in `Cancelled` — and its statuses and previews are never
 * shown), and loads/saves workflows. Nodes of the host pass through untouched.
 */
export class CLIPSegPlugin extends Scope<never, [Area2D<BaseSchemes>, Root<BaseSchemes>]> {
  /** The node types. */
  readonly registry: NodeRegistry;
  /** Runs the nodes (its memo keeps unchanged results between live runs). */
  readonly executor: WorkflowExecutor;
  /** rete-engine's dataflow engine, used on the editor. */
  readonly engine = new DataflowEngine<DataflowEngineScheme>((node) =>
    node instanceof CLIPSegReteNode ? { inputs: () => Object.keys(node.inputs), outputs: () => Object.keys(node.outputs) } : { inputs: () => [], outputs: () => [] },
  );
  /** Bundle names for CLIPSeg nodes. */
  readonly bundles: readonly string[];
  #editor: NodeEditor<BaseSchemes> | undefined;
  #area: BaseAreaPlugin<BaseSchemes, unknown> | undefined;
  #history: HistoryLike | undefined;
  readonly #debounceMs: number;
  readonly #live: boolean;
  readonly #onRefused: CLIPSegPluginOptions['onConnectionRefused'];
  readonly #onRunSettled: CLIPSegPluginOptions['onRunSettled'];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #current: WorkflowRun | undefined;
  #running: Promise<void> = Promise.resolve();
  #loading = false;

  /** @param options - services, registry, debounce */
  constructor(options: CLIPSegPluginOptions) {
    super('clipseg');
    this.registry = options.registry ?? createDefaultRegistry();
    this.executor = new WorkflowExecutor({ registry: this.registry, services: options.services });
    this.bundles = options.services.bundles ?? ['default'];
    this.#debounceMs = options.debounceMs ?? 300;
    this.#live = options.live ?? true;
    this.#onRefused = options.onConnectionRefused;
    this.#onRunSettled = options.onRunSettled;
  }

  /** The editor (after `area.use(plugin)`). */
  get editor(): NodeEditor<BaseSchemes> {
    if (this.#editor === undefined) throw new Error('CLIPSegPlugin is not attached: call area.use(plugin).');
    return this.#editor;
  }

  /** The area (after `area.use(plugin)`). */
  get area(): BaseAreaPlugin<BaseSchemes, unknown> {
    if (this.#area === undefined) throw new Error('CLIPSegPlugin is not attached: call area.use(plugin).');
    return this.#area;
  }

  override setParent(scope: Scope<Area2D<BaseSchemes>, [Root<BaseSchemes>]>): void {
    super.setParent(scope);
    this.#area = this.parentScope<BaseAreaPlugin<BaseSchemes, unknown>>(BaseAreaPlugin);
    this.#editor = this.#area.parentScope<NodeEditor<BaseSchemes>>(NodeEditor);
    this.#editor.use(this.engine as unknown as Scope<never, [Root<BaseSchemes>]>);
    this.addPipe((context) => {
      if (typeof context !== 'object' || context === null || !('type' in context)) return context;
      switch (context.type) {
        case 'connectioncreate': {
          const refused = this.#refusal(context.data as ConnectionBase & { sourceOutput: string; targetInput: string });
          if (refused === undefined) return context;
          this.#onRefused?.(refused);
          return undefined;
        }
        case 'nodecreated':
          if (context.data instanceof CLIPSegReteNode) context.data.attachEvaluator((node, inputs) => this.#evaluate(node, inputs));
          this.schedule();
          break;
        case 'noderemoved':
          if (context.data instanceof CLIPSegReteNode) {
            context.data.attachEvaluator(undefined);
            this.executor.invalidate(context.data.id);
          }
          this.schedule();
          break;
        case 'connectioncreated':
        case 'connectionremoved':
          this.schedule();
          break;
      }
      return context;
    });
  }

  /** Records control changes into `history` (undoable), from now on. */
  trackHistory(history: HistoryLike): void {
    this.#history = history;
  }

  /** A new node of a registered type (not yet added to the editor). */
  createNode(type: string, controls: ControlValues = {}): CLIPSegReteNode {
    const definition = this.registry.get(type);
    const node = new CLIPSegReteNode(definition, controls, (n, control, previous) => this.#controlChanged(n, control, previous), this.bundles);
    node.clone = () => this.createNode(type, node.controlValues());
    return node;
  }

  /** Creates a node, adds it to the editor and moves it to `position`. */
  async addNode(type: string, options: { position?: WorkflowPosition; controls?: ControlValues; id?: string } = {}): Promise<CLIPSegReteNode> {
    const node = this.createNode(type, options.controls);
    if (options.id !== undefined) node.id = options.id;
    await this.editor.addNode(node);
    if (options.position !== undefined) await this.area.translate(node.id, options.position);
    return node;
  }

  /**
   * Connects `source.output` to `target.input` through the editor (so the socket check and history apply).
   *
   * @throws {@link NodeEditorError} `WORKFLOW_CONNECTION_REFUSED` when the connection is refused
   */
  async connect(source: CLIPSegReteNode, sourceOutput: string, target: CLIPSegReteNode, targetInput: string): Promise<void> {
    const refused = this.#refusal({ id: '', source: source.id, sourceOutput, target: target.id, targetInput });
    if (refused !== undefined) throw refused;
    const ok = await this.editor.addConnection(new ClassicPreset.Connection(source, sourceOutput as never, target, targetInput as never) as never);
    if (!ok) throw new NodeEditorError('WORKFLOW_CONNECTION_REFUSED', `The editor refused ${source.id}.${sourceOutput} → ${target.id}.${targetInput}.`);
  }

  /** Our nodes in the editor. */
  nodes(): CLIPSegReteNode[] {
    return this.editor.getNodes().filter((n: AnyNode): n is CLIPSegReteNode => n instanceof CLIPSegReteNode);
  }

  /** Schedules a live re-run after the debounce (no-op when `live` is off or while loading). */
  schedule(): void {
    if (!this.#live || this.#loading) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.run(), this.#debounceMs);
  }

  /** Resolves when the latest run (and any scheduled one) has settled. */
  async whenIdle(): Promise<void> {
    for (;;) {
      const running = this.#running;
      await running;
      if (this.#timer === undefined && running === this.#running) return;
      await new Promise((resolve) => setTimeout(resolve, this.#debounceMs / 2));
    }
  }

  /**
   * Runs the graph now: cancels the previous run (`engine.reset()`, its pipeline calls aborted, its statuses
   * dropped), then fetches every node through the DataflowEngine. Resolves when this run settles.
   */
  run(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#current?.cancel();
    this.engine.reset();
    const run = this.executor.startRun({ onStatus: (id, status) => this.#show(run, id, status) });
    this.#current = run;
    const nodes = this.nodes();
    const started = performance.now();
    const settled = Promise.all(
      nodes.map(async (node) => {
        try {
          await this.engine.fetch(node.id);
        } catch (error) {
          if (error instanceof Cancelled || run.cancelled) return;
          if (!run.statuses.has(node.id)) run.report(node.id, { state: 'blocked', progress: 0, message: 'waiting for an upstream node' });
        }
      }),
    ).then(() => {
      if (this.#current === run) this.executor.finishRun(run);
      this.#onRunSettled?.({ durationMs: performance.now() - started, cancelled: run.cancelled, statuses: new Map(run.statuses) });
    });
    this.#running = settled;
    return settled;
  }

  /** The editor's graph (our nodes and the connections between them) as a workflow. */
  toWorkflow(meta: { name?: string; metadata?: Record<string, unknown> } = {}): Workflow {
    const ours = this.nodes();
    const ids = new Set(ours.map((n) => n.id));
    const views = (this.area as unknown as { nodeViews: Map<string, { position: WorkflowPosition }> }).nodeViews;
    return {
      format: WORKFLOW_FORMAT,
      version: WORKFLOW_VERSION,
      ...(meta.name === undefined ? {} : { name: meta.name }),
      nodes: ours.map((n) => {
        const p = views.get(n.id)?.position;
        return n.toWorkflowNode(p === undefined ? undefined : { x: p.x, y: p.y });
      }),
      connections: this.editor
        .getConnections()
        .filter((c) => ids.has(c.source) && ids.has(c.target))
        .map((c) => {
          const k = c as ConnectionBase & { sourceOutput: string; targetInput: string };
          return { source: k.source, sourceOutput: k.sourceOutput, target: k.target, targetInput: k.targetInput };
        }),
      ...(meta.metadata === undefined ? {} : { metadata: meta.metadata }),
    };
  }

  /**
   * Validates `input` (a workflow object or JSON text) and, only when it has no problem at all, replaces our nodes
   * with it. On failure the graph is left as it was and every problem is returned.
   */
  async loadWorkflow(input: unknown, options: { migrations?: readonly WorkflowMigration[] } = {}): Promise<WorkflowValidation> {
    const result = validateWorkflow(input, { registry: this.registry, ...(options.migrations ? { migrations: options.migrations } : {}) });
    if (!result.ok) return result;
    this.#loading = true;
    try {
      this.#current?.cancel();
      this.engine.reset();
      for (const c of [...this.editor.getConnections()]) {
        if (this.nodes().some((n) => n.id === c.source || n.id === c.target)) await this.editor.removeConnection(c.id);
      }
      for (const node of this.nodes()) await this.editor.removeNode(node.id);
      this.executor.invalidate();
      const added = new Map<string, CLIPSegReteNode>();
      for (const n of result.workflow.nodes) added.set(n.id, await this.addNode(n.type, { id: n.id, controls: n.controls, ...(n.position ? { position: n.position } : {}) }));
      for (const c of result.workflow.connections) await this.connect(added.get(c.source)!, c.sourceOutput, added.get(c.target)!, c.targetInput);
    } finally {
      this.#loading = false;
    }
    this.schedule();
    return result;
  }

  /** Cancels any run and frees the executor's caches. */
  dispose(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#current?.cancel();
    this.engine.reset();
    this.executor.dispose();
  }

  #refusal(c: ConnectionBase & { sourceOutput: string; targetInput: string }): NodeEditorError | undefined {
    const editor = this.editor;
    const source = editor.getNode(c.source);
    const target = editor.getNode(c.target);
    const ours = source instanceof CLIPSegReteNode || target instanceof CLIPSegReteNode;
    if (!ours) return undefined;
    const out = (source as CLIPSegReteNode | undefined)?.outputs?.[c.sourceOutput]?.socket;
    const into = (target as CLIPSegReteNode | undefined)?.inputs?.[c.targetInput]?.socket;
    const what = `${c.source}.${c.sourceOutput} → ${c.target}.${c.targetInput}`;
    if (!(out instanceof CLIPSegSocket) || !(into instanceof CLIPSegSocket)) {
      return new NodeEditorError('WORKFLOW_CONNECTION_REFUSED', `${what}: CLIPSeg sockets connect only to CLIPSeg sockets.`);
    }
    if (!canConnect(out.type, into.type)) return new NodeEditorError('WORKFLOW_CONNECTION_REFUSED', `${what}: a ${out.type} output cannot feed a ${into.type} input.`, { details: { from: out.type, to: into.type } });
    if (c.source === c.target) return new NodeEditorError('WORKFLOW_CONNECTION_REFUSED', `${what}: a node cannot feed itself.`);
    if (this.#reaches(c.target, c.source)) return new NodeEditorError('WORKFLOW_CONNECTION_REFUSED', `${what}: it would make a cycle.`);
    return undefined;
  }

  #reaches(from: string, to: string): boolean {
    const connections = this.editor.getConnections();
    const seen = new Set<string>();
    const stack = [from];
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (id === to) return true;
      if (seen.has(id)) continue;
      seen.add(id);
      for (const c of connections) if (c.source === id) stack.push(c.target);
    }
    return false;
  }

  async #evaluate(node: CLIPSegReteNode, inputs: NodeInputs): Promise<Record<string, unknown>> {
    const run = this.#current;
    if (run === undefined || run.cancelled) throw new Cancelled();
    const result = await this.executor.evaluate(node.toWorkflowNode(), inputs, run);
    return { ...result.outputs };
  }

  #show(run: WorkflowRun, id: string, status: NodeStatus): void {
    if (run !== this.#current) return;
    const node = this.editor.getNode(id);
    if (node instanceof CLIPSegReteNode) node.statusControl.set(status, status.state === 'done' ? run.results.get(id) : undefined);
  }

  #controlChanged(_node: CLIPSegReteNode, control: CLIPSegFieldControl, previous: ControlValue): void {
    const next = control.value;
    // A control edit is one user action: never merged with what came just before or after it.
    this.#history?.separate?.();
    this.#history?.add({
      undo: () => {
        control.setValue(previous, true);
        this.schedule();
      },
      redo: () => {
        control.setValue(next, true);
        this.schedule();
      },
    });
    this.#history?.separate?.();
    this.schedule();
  }
}

import { ClassicPreset } from 'rete';
import type { ControlSpec, ControlValue, ControlValues } from '../engine/controls.js';
import type { NodeDefinition, NodeInputs, NodeResult } from '../engine/node-definition.js';
import { IDLE_STATUS, type NodeStatus } from '../engine/node-status.js';
import type { SocketType } from '../engine/sockets.js';
import type { WorkflowNode, WorkflowPosition } from '../engine/workflow.js';

/** A Rete socket carrying one of our socket types; compatibility is `canConnect(output.type, input.type)`. */
export class CLIPSegSocket extends ClassicPreset.Socket {
  /** The socket type. */
  readonly type: SocketType;

  /** @param type - the socket type (also the socket's name) */
  constructor(type: SocketType) {
    super(type);
    this.type = type;
  }
}

type Listener = () => void;

/** A control of a {@link CLIPSegReteNode}: one {@link ControlSpec} and its current value. Rendered by `<clipseg-control-field>`. */
export class CLIPSegFieldControl extends ClassicPreset.Control {
  /** What it edits. */
  readonly spec: ControlSpec;
  /** Bundle names for `bundle` controls (from the host's services). */
  readonly bundles: readonly string[];
  #value: ControlValue;
  readonly #onChange: (control: CLIPSegFieldControl, previous: ControlValue) => void;
  readonly #listeners = new Set<Listener>();

  /**
   * @param spec - the control's spec
   * @param value - initial value
   * @param onChange - called after every user change (not after {@link CLIPSegFieldControl.setValue} with `silent`)
   * @param bundles - bundle names offered by `bundle` controls
   */
  constructor(spec: ControlSpec, value: ControlValue, onChange: (control: CLIPSegFieldControl, previous: ControlValue) => void, bundles: readonly string[] = []) {
    super();
    this.spec = spec;
    this.#value = value;
    this.#onChange = onChange;
    this.bundles = bundles;
  }

  /** The current value. */
  get value(): ControlValue {
    return this.#value;
  }

  /** Sets the value, re-renders, and (unless `silent`) tells the node (history and a live re-run follow). */
  setValue(value: ControlValue, silent = false): void {
    const previous = this.#value;
    if (JSON.stringify(previous) === JSON.stringify(value)) return;
    this.#value = value;
    for (const listener of this.#listeners) listener();
    if (!silent) this.#onChange(this, previous);
  }

  /** Subscribes to value changes; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/** The status line, progress bar and preview of a {@link CLIPSegReteNode}. Rendered by `<clipseg-node-status>`. */
export class CLIPSegStatusControl extends ClassicPreset.Control {
  /** What the node previews (the element reserves its space up front, so sockets never move). */
  readonly preview: 'image' | 'text' | 'none';
  #status: NodeStatus = IDLE_STATUS;
  #result: NodeResult | undefined;
  readonly #listeners = new Set<Listener>();

  /** @param preview - what the node previews */
  constructor(preview: 'image' | 'text' | 'none' = 'none') {
    super();
    this.preview = preview;
  }

  /** The node's latest status. */
  get status(): NodeStatus {
    return this.#status;
  }

  /** The node's latest result (previews, artifacts), or `undefined`. */
  get result(): NodeResult | undefined {
    return this.#result;
  }

  /** Sets status and (when given) result, and re-renders. */
  set(status: NodeStatus, result?: NodeResult): void {
    this.#status = status;
    if (result !== undefined || status.state === 'idle') this.#result = result;
    for (const listener of this.#listeners) listener();
  }

  /** Subscribes to changes; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/** Computes a node's outputs from its inputs in the current run (set by the `CLIPSegPlugin`). */
export type NodeEvaluator = (node: CLIPSegReteNode, inputs: NodeInputs) => Promise<Record<string, unknown>>;

/** Key of the status control in every node's `controls`. */
export const STATUS_CONTROL_KEY = '__status';

/**
 * A Rete node rendering one {@link NodeDefinition}: its sockets, one {@link CLIPSegFieldControl} per control spec
 * and a {@link CLIPSegStatusControl}. Create it with `CLIPSegPlugin.createNode`; `data()` is what rete-engine's
 * DataflowEngine calls.
 */
export class CLIPSegReteNode extends ClassicPreset.Node<Record<string, CLIPSegSocket>, Record<string, CLIPSegSocket>, Record<string, CLIPSegFieldControl | CLIPSegStatusControl>> {
  /** The definition it renders. */
  readonly definition: NodeDefinition;
  /** Width in canvas units (the renderer and the minimap read it). */
  width = 220;
  /** Height in canvas units. */
  height: number;
  /** Its status and preview. */
  readonly statusControl: CLIPSegStatusControl;
  /** A fresh copy with the same controls (rete-context-menu-plugin's "Clone"); set by the plugin. */
  clone?: () => CLIPSegReteNode;
  #evaluate: NodeEvaluator | undefined;

  /**
   * @param definition - the node type
   * @param controls - initial control values (defaults for the missing ones)
   * @param onControlChange - called after a user changes a control
   * @param bundles - bundle names offered by `bundle` controls
   */
  constructor(definition: NodeDefinition, controls: ControlValues, onControlChange: (node: CLIPSegReteNode, control: CLIPSegFieldControl, previous: ControlValue) => void, bundles: readonly string[] = []) {
    super(definition.label);
    this.definition = definition;
    this.statusControl = new CLIPSegStatusControl(definition.preview ?? 'none');
    definition.inputs.forEach((spec, index) => {
      const input = new ClassicPreset.Input(new CLIPSegSocket(spec.socket), `${spec.label}${spec.required ? '' : ' (optional)'}`, spec.multiple ?? false);
      input.index = index;
      this.addInput(spec.key, input);
    });
    definition.outputs.forEach((spec, index) => {
      const output = new ClassicPreset.Output(new CLIPSegSocket(spec.socket), spec.label, true);
      output.index = index;
      this.addOutput(spec.key, output);
    });
    definition.controls.forEach((spec, index) => {
      const control = new CLIPSegFieldControl(spec, controls[spec.key] ?? spec.default, (c, previous) => onControlChange(this, c, previous), bundles);
      control.index = index;
      this.addControl(spec.key, control);
    });
    this.statusControl.index = definition.controls.length;
    this.addControl(STATUS_CONTROL_KEY, this.statusControl);
    const previewHeight = { image: 150, text: 70, none: 50 }[this.statusControl.preview];
    const controlsHeight = definition.controls.reduce((h, c) => h + (c.kind === 'image-source' || c.kind === 'vector' ? 84 : 50), 0);
    this.height = 48 + 36 * (definition.inputs.length + definition.outputs.length) + controlsHeight + previewHeight;
  }

  /** The control values, by key. */
  controlValues(): Record<string, ControlValue> {
    return Object.fromEntries(this.definition.controls.map((spec) => [spec.key, (this.controls[spec.key] as CLIPSegFieldControl).value]));
  }

  /** The control of `key`, or `undefined`. */
  field(key: string): CLIPSegFieldControl | undefined {
    const control = this.controls[key];
    return control instanceof CLIPSegFieldControl ? control : undefined;
  }

  /** This node as a workflow node. */
  toWorkflowNode(position?: WorkflowPosition): WorkflowNode {
    return { id: this.id, type: this.definition.type, ...(position === undefined ? {} : { position }), controls: this.controlValues() };
  }

  /** Wires the node to the plugin that computes it. @internal */
  attachEvaluator(evaluate: NodeEvaluator | undefined): void {
    this.#evaluate = evaluate;
  }

  /** What rete-engine's DataflowEngine calls: the node's outputs for the values on its inputs. */
  data(inputs: Record<string, unknown[]>): Promise<Record<string, unknown>> {
    if (this.#evaluate === undefined) return Promise.reject(new Error(`Node ${this.id} is not attached to a CLIPSegPlugin.`));
    return this.#evaluate(this, inputs);
  }
}

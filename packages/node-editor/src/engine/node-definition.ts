import type { AbortSignalLike, CLIPSeg, ImageHandle, Prompt } from '@clipseg/core';
import type { Mask, PromptMask, RasterImage, RasterImage8 } from '@clipseg/processor';
import type { ControlSpec, ControlValues } from './controls.js';
import type { SocketType } from './sockets.js';

/** The pipeline a workflow runs on: `CLIPSeg` over `@clipseg/processor` images and masks. */
export type WorkflowPipeline = CLIPSeg<RasterImage, PromptMask>;

/** What an `embedding` socket carries: any core prompt (a text, an image prompt, a vector, a mix). */
export type EmbeddingValue = Prompt<RasterImage, PromptMask>;

/** The value type of each socket type. */
export interface SocketValueMap {
  /** A decoded image. */
  readonly image: RasterImage;
  /** A text prompt. */
  readonly text: string;
  /** A prompt that resolves to a conditional embedding. */
  readonly embedding: EmbeddingValue;
  /** A soft or binary mask at the image's resolution. */
  readonly mask: Mask;
}

/** One input socket of a node. */
export interface InputSpec {
  /** Key in the node's inputs (and in workflow connections' `targetInput`). */
  readonly key: string;
  /** Label shown in the editor. */
  readonly label: string;
  /** What it accepts (see `canConnect`). */
  readonly socket: SocketType;
  /** The node cannot run while this input is unconnected. */
  readonly required?: boolean;
  /** Several connections may end here (their values arrive as a list). */
  readonly multiple?: boolean;
}

/** One output socket of a node. */
export interface OutputSpec {
  /** Key in the node's outputs (and in workflow connections' `sourceOutput`). */
  readonly key: string;
  /** Label shown in the editor. */
  readonly label: string;
  /** What it produces. */
  readonly socket: SocketType;
}

/** What a node shows inside itself after a run. */
export type NodePreview =
  | { readonly kind: 'image'; readonly image: RasterImage8; readonly caption?: string }
  | { readonly kind: 'text'; readonly text: string };

/** A file an Export node produced; the host writes it (runtime-node) or offers it for download (the editor). */
export type ExportArtifact =
  | { readonly kind: 'png'; readonly fileName: string; readonly image: RasterImage8 }
  | { readonly kind: 'json'; readonly fileName: string; readonly data: unknown };

/** What a node's `compute` returns. */
export interface NodeResult {
  /** A value for each output key the node declares. */
  readonly outputs: Readonly<Record<string, unknown>>;
  /** Drawn inside the node. */
  readonly preview?: NodePreview;
  /** Files to export. */
  readonly artifacts?: readonly ExportArtifact[];
}

/**
 * The values that reached a node, by input key: a list per input (one entry per connection, empty when
 * unconnected). Use {@link inputValue} and {@link inputValues}.
 */
export type NodeInputs = Readonly<Record<string, readonly unknown[]>>;

/** What a node's `compute` may use besides its inputs and controls. */
export interface ComputeContext {
  /** Id of the node being computed (for messages). */
  readonly nodeId: string;
  /** Aborts when the run is cancelled; pass it on to pipeline calls. */
  readonly signal: AbortSignalLike;
  /** Reports progress (0..1) with an optional message; shown on the node. */
  progress(fraction: number, message?: string): void;
  /** The pipeline of a named bundle (loaded once, shared by every node). */
  pipeline(bundle: string): Promise<WorkflowPipeline>;
  /** The image encoded by `pipeline`: each distinct image is encoded once per run (and reused by later live runs). */
  encode(pipeline: WorkflowPipeline, image: RasterImage): Promise<ImageHandle>;
  /** Loads an Image node's source (cached by source within a run). */
  loadImage(source: string): Promise<RasterImage>;
  /** Reports a non-fatal problem. */
  warn(message: string): void;
}

/** Where a node sits in the editor's menu. */
export type NodeCategory = 'input' | 'model' | 'mask' | 'output';

/**
 * A node type, free of any DOM or Rete dependency: its sockets, its controls and a pure `compute`. The Rete layer
 * renders definitions; the headless executor runs them.
 */
export interface NodeDefinition {
  /** Stable type name stored in workflow files, kebab-case (`threshold`). */
  readonly type: string;
  /** Title shown on the node. */
  readonly label: string;
  /** Menu group. */
  readonly category: NodeCategory;
  /** One-line description (menus, docs). */
  readonly description: string;
  /** Input sockets, in display order. */
  readonly inputs: readonly InputSpec[];
  /** Output sockets, in display order. */
  readonly outputs: readonly OutputSpec[];
  /** Controls, in display order. */
  readonly controls: readonly ControlSpec[];
  /** What its preview shows, so the editor can reserve the space: an image, a line of text, or nothing (default). */
  readonly preview?: 'image' | 'text';
  /**
   * Computes the outputs. Must be a function of `inputs` and `controls` (plus what `ctx` loads): the executor
   * reuses a node's previous result while both are unchanged. Throw a `CLIPSegError` to fail with a message.
   */
  compute(inputs: NodeInputs, controls: ControlValues, ctx: ComputeContext): NodeResult | Promise<NodeResult>;
}

/** The first value that reached input `key`, or `undefined`. */
export function inputValue<T>(inputs: NodeInputs, key: string): T | undefined {
  return inputs[key]?.[0] as T | undefined;
}

/** Every value that reached input `key` (empty when unconnected). */
export function inputValues<T>(inputs: NodeInputs, key: string): readonly T[] {
  return (inputs[key] ?? []) as readonly T[];
}

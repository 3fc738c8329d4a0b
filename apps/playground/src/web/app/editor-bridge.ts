import type { CLIPSegEditor, CLIPSegFieldControl, CLIPSegReteNode } from '@clipseg/node-editor';
import { EXAMPLE_SCENE_SOURCE } from '../images/example-scene.js';

/** A prompt node as the Prompts panel lists it. */
export interface PromptEntry {
  /** The node's id. */
  readonly id: string;
  /** What the panel calls it. */
  readonly label: string;
  /** Its text. */
  readonly text: string;
}

const PROMPT_TYPES: Readonly<Record<string, string>> = { 'text-prompt': 'Text prompt', 'negative-prompt': 'Negative prompt' };
const STRUCTURE_EVENTS = new Set(['nodecreated', 'noderemoved', 'connectioncreated', 'connectionremoved']);

/**
 * The playground's view of the mounted editor: the prompts and the image it shows in its side panels, and the
 * edits those panels make (always through the nodes' controls, so they are undoable and re-run the graph).
 */
export class EditorBridge {
  readonly #ui: CLIPSegEditor;
  readonly #subscriptions: (() => void)[] = [];

  /** @param ui - the mounted editor */
  constructor(ui: CLIPSegEditor) {
    this.#ui = ui;
  }

  /**
   * Calls `onGraphChange` after nodes or connections change or a control value changes, and `onMoved` after a
   * node was dragged. Returns the function that stops watching.
   */
  watch(onGraphChange: () => void, onMoved: () => void): () => void {
    let stopped = false;
    const resubscribe = () => {
      for (const unsubscribe of this.#subscriptions.splice(0)) unsubscribe();
      for (const node of this.#ui.plugin.nodes()) {
        for (const key of Object.keys(node.controls)) {
          const field = node.field(key);
          if (field !== undefined) this.#subscriptions.push(field.subscribe(onGraphChange));
        }
      }
    };
    this.#ui.area.addPipe((context) => {
      if (stopped || typeof context !== 'object' || context === null || !('type' in context)) return context;
      const type = String(context.type);
      if (STRUCTURE_EVENTS.has(type)) {
        queueMicrotask(() => {
          resubscribe();
          onGraphChange();
        });
      } else if (type === 'nodedragged') onMoved();
      return context;
    });
    resubscribe();
    return () => {
      stopped = true;
      for (const unsubscribe of this.#subscriptions.splice(0)) unsubscribe();
    };
  }

  /** The text and negative prompt nodes, in graph order. */
  prompts(): PromptEntry[] {
    const counts = new Map<string, number>();
    return this.#ui.plugin
      .nodes()
      .filter((node) => node.definition.type in PROMPT_TYPES)
      .map((node) => {
        const type = node.definition.type;
        const n = (counts.get(type) ?? 0) + 1;
        counts.set(type, n);
        return { id: node.id, label: `${PROMPT_TYPES[type]} ${n}`, text: String(node.field('text')?.value ?? '') };
      });
  }

  /** Sets a prompt node's text, as a user edit. */
  setPrompt(id: string, text: string): void {
    this.#field(id, 'text')?.setValue(text);
  }

  /** The first Image node's source (`''` when the graph has none). */
  imageSource(): string {
    return String(this.#firstImage()?.field('source')?.value ?? '');
  }

  /** Shows `source` in the first Image node, adding one when the graph has none. */
  async setImageSource(source: string): Promise<void> {
    const image = this.#firstImage() ?? (await this.#ui.plugin.addNode('image', { position: { x: 0, y: this.#bottom() } }));
    image.field('source')!.setValue(source);
  }

  /** Adds a prompt with its own CLIPSeg node, mask preview and overlay, fed by the first Image node. */
  async addPrompt(text: string): Promise<void> {
    const { plugin } = this.#ui;
    const image = this.#firstImage() ?? (await plugin.addNode('image', { position: { x: 0, y: this.#bottom() }, controls: { source: EXAMPLE_SCENE_SOURCE } }));
    const y = this.#bottom();
    const prompt = await plugin.addNode('text-prompt', { position: { x: 0, y }, controls: { text } });
    const seg = await plugin.addNode('clipseg', { position: { x: 260, y } });
    const mask = await plugin.addNode('mask-preview', { position: { x: 520, y } });
    const overlay = await plugin.addNode('heatmap-preview', { position: { x: 760, y }, controls: { mode: 'overlay' } });
    await plugin.connect(image, 'image', seg, 'image');
    await plugin.connect(prompt, 'text', seg, 'prompt');
    await plugin.connect(seg, 'mask', mask, 'mask');
    await plugin.connect(seg, 'mask', overlay, 'mask');
    await plugin.connect(image, 'image', overlay, 'image');
    await this.#ui.fit();
  }

  /** Adds a node of `type` below the graph and brings it into view. */
  async addNode(type: string): Promise<CLIPSegReteNode> {
    const node = await this.#ui.plugin.addNode(type, { position: { x: 0, y: this.#bottom() } });
    await this.#ui.fit();
    return node;
  }

  #firstImage(): CLIPSegReteNode | undefined {
    return this.#ui.plugin.nodes().find((node) => node.definition.type === 'image');
  }

  #field(id: string, key: string): CLIPSegFieldControl | undefined {
    return this.#ui.plugin.nodes().find((node) => node.id === id)?.field(key);
  }

  /** Just below the lowest node. */
  #bottom(): number {
    const views = (this.#ui.area as unknown as { nodeViews: Map<string, { position: { y: number } }> }).nodeViews;
    let bottom = 0;
    for (const node of this.#ui.plugin.nodes()) {
      const y = views.get(node.id)?.position.y ?? 0;
      bottom = Math.max(bottom, y + (node.height ?? 200) + 40);
    }
    return bottom;
  }
}

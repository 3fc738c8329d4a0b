import { formatProblems, mountCLIPSegEditor, type CLIPSegEditor, type RunSummary, type WorkflowServices } from '@clipseg/node-editor';
import type { RasterImage } from '@clipseg/processor';
import type { WebCLIPSeg } from '@clipseg/runtime-web';
import { html, nothing } from 'lit';
import { EXAMPLE_SCENE_SOURCE } from '../images/example-scene.js';
import { createImageLoader } from '../images/image-loader.js';
import { reportError } from '../model/error-report.js';
import { ModelController, type ModelView } from '../model/model-controller.js';
import { readAutosave, saveAutosave } from '../workflow/autosave.js';
import { exampleWorkflow } from '../workflow/example-workflow.js';
import { decodeShareFragment, encodeShareFragment } from '../workflow/share-link.js';
import { downloadWorkflow, readWorkflowFile } from '../workflow/workflow-file.js';
import { EditorBridge, type PromptEntry } from './editor-bridge.js';
import { LightElement } from './light-element.js';
import type { ModelLoadRequest } from './model-panel.js';
import type { PromptChange } from './prompts-panel.js';
import type { RunRecord } from './status-bar.js';
import type { NodeTypeOption } from './workflow-panel.js';

/** Tag of {@link PlaygroundAppElement}. */
export const PLAYGROUND_APP_TAG = 'clipseg-playground';

/** A message for the user: news (`info`) or a failure (`error`). */
interface Notice {
  readonly kind: 'info' | 'error';
  readonly text: string;
}

const MAX_RUNS = 8;

const detailOf = <T>(event: Event) => (event as CustomEvent<T>).detail;

const describeSource = (source: string) => (source === EXAMPLE_SCENE_SOURCE ? 'the example scene' : source.startsWith('data:') ? 'a dropped or picked file' : source);

const readAsDataUrl = (file: Blob) =>
  new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('The file could not be read.'));
    reader.readAsDataURL(file);
  });

/**
 * `<clipseg-playground>`: the whole app. A node editor (`@clipseg/node-editor`) running CLIPSeg through
 * `@clipseg/runtime-web`, with side panels for the model, the image, the prompts and the workflow, a status bar with
 * the backend and run times, autosave, share links and drag-and-drop.
 */
export class PlaygroundAppElement extends LightElement {
  static override properties = {
    model: { state: true },
    runs: { state: true },
    prompts: { state: true },
    image: { state: true },
    imageCaption: { state: true },
    imageProblem: { state: true },
    notice: { state: true },
    shareUrl: { state: true },
  };

  declare model: ModelView;
  declare runs: readonly RunRecord[];
  declare prompts: readonly PromptEntry[];
  declare image: RasterImage | undefined;
  declare imageCaption: string;
  declare imageProblem: string | undefined;
  declare notice: Notice | undefined;
  declare shareUrl: string | undefined;

  /** The mounted editor, once ready (tests and the console can reach it). */
  editor: CLIPSegEditor | undefined;
  #bridge: EditorBridge | undefined;
  #workflowName: string | undefined;
  #shownSource: string | undefined;
  readonly #images = createImageLoader();
  readonly #models: ModelController;
  readonly #cleanups: (() => void)[] = [];

  constructor() {
    super();
    this.runs = [];
    this.prompts = [];
    this.imageCaption = '';
    this.#models = new ModelController({
      baseUrl: document.baseURI,
      onChange: (view) => (this.model = view),
      onSwap: (previous) => void this.#swapped(previous),
    });
    this.model = this.#models.view;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.model.active === undefined && this.model.loading === undefined) void this.#models.load({ kind: 'builtin' }, 'auto');
    const over = (event: DragEvent) => {
      if (event.dataTransfer?.types.includes('Files')) event.preventDefault();
    };
    const drop = (event: DragEvent) => void this.#dropped(event);
    const hide = () => this.#autosave();
    window.addEventListener('dragover', over);
    window.addEventListener('drop', drop);
    window.addEventListener('pagehide', hide);
    this.#cleanups.push(() => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('drop', drop);
      window.removeEventListener('pagehide', hide);
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const cleanup of this.#cleanups.splice(0)) cleanup();
    this.editor?.destroy();
    void this.#models.dispose();
  }

  protected override render() {
    const types: NodeTypeOption[] = this.editor ? this.editor.plugin.registry.definitions().map((d) => ({ type: d.type, label: d.label, category: d.category })) : [];
    return html`<header class="app-header">
        <h1>CLIPSeg playground</h1>
        <playground-status-bar .model=${this.model} .runs=${this.runs}></playground-status-bar>
      </header>
      <div class="layout">
        <aside class="sidebar" aria-label="Controls">
          <p class="intro">Drop an image, type prompts, and the masks update in the graph. Everything runs in this browser.</p>
          ${this.notice ? html`<p class=${`notice ${this.notice.kind}`} role=${this.notice.kind === 'error' ? 'alert' : 'status'} data-testid="notice">${this.notice.text}</p>` : nothing}
          <playground-image-panel .image=${this.image} .caption=${this.imageCaption} .problem=${this.imageProblem}
            @image-file=${(e: Event) => void this.#imageFile(detailOf<File>(e))} @image-url=${(e: Event) => void this.#bridge?.setImageSource(detailOf<string>(e))}
            @image-example=${() => void this.#bridge?.setImageSource(EXAMPLE_SCENE_SOURCE)}></playground-image-panel>
          <playground-prompts-panel .prompts=${this.prompts} @prompt-change=${(e: Event) => this.#bridge?.setPrompt(detailOf<PromptChange>(e).id, detailOf<PromptChange>(e).text)}
            @prompt-add=${(e: Event) => void this.#guard(() => this.#bridge!.addPrompt(detailOf<string>(e)))}></playground-prompts-panel>
          <playground-model-panel .view=${this.model} @model-load=${(e: Event) => void this.#loadModel(detailOf<ModelLoadRequest>(e))} @model-cancel=${() => this.#models.cancel()}></playground-model-panel>
          <playground-workflow-panel .types=${types} .shareUrl=${this.shareUrl} @workflow-save=${this.#save} @workflow-open=${(e: Event) => void this.#open(detailOf<File>(e))}
            @workflow-share=${() => void this.#share()} @workflow-reset=${() => void this.#load(exampleWorkflow(), 'Started again from the example workflow.')}
            @editor-undo=${() => void this.editor?.undo()} @editor-redo=${() => void this.editor?.redo()} @editor-fit=${() => void this.editor?.fit()}
            @editor-run=${() => void this.editor?.plugin.run()} @node-add=${(e: Event) => void this.#guard(() => this.#bridge!.addNode(detailOf<string>(e)))}></playground-workflow-panel>
        </aside>
        <main class="editor-pane">
          <h2 class="visually-hidden">Workflow graph</h2>
          <div id="editor" class="editor" tabindex="0" role="application" aria-roledescription="node editor"
            aria-label="Workflow graph: nodes with their controls and previews. Tab moves through the node controls; Delete removes the selected nodes; F fits the view."></div>
        </main>
      </div>`;
  }

  protected override async firstUpdated(): Promise<void> {
    const services: WorkflowServices = {
      bundles: ['default'],
      pipeline: () => this.#models.pipeline(),
      loadImage: (source) => this.#images(source),
      onWarning: (message) => console.warn(message),
    };
    const container = this.querySelector<HTMLElement>('#editor')!;
    const ui = await mountCLIPSegEditor(container, {
      services,
      debounceMs: 250,
      onRunSettled: (summary) => this.#settled(summary),
      onConnectionRefused: (error) => (this.notice = { kind: 'error', text: error.message }),
    });
    this.editor = ui;
    this.#bridge = new EditorBridge(ui);
    this.#cleanups.push(this.#bridge.watch(() => this.#graphChanged(), () => this.#autosave()));
    // Fit the graph again when the editor's box changes size (a narrow window stacks the panels above it).
    let resized: ReturnType<typeof setTimeout> | undefined;
    const observer = new ResizeObserver(() => {
      clearTimeout(resized);
      resized = setTimeout(() => void ui.fit(), 200);
    });
    observer.observe(container);
    this.#cleanups.push(() => observer.disconnect());
    await this.#openInitialWorkflow();
    this.requestUpdate();
    this.dispatchEvent(new Event('playground-ready'));
  }

  async #openInitialWorkflow(): Promise<void> {
    let fromLink: unknown;
    try {
      fromLink = await decodeShareFragment(location.hash);
    } catch (error) {
      this.notice = { kind: 'error', text: reportError(error).message };
    }
    if (fromLink !== undefined && (await this.#load(fromLink, 'Opened the workflow from the link.'))) {
      history.replaceState(null, '', location.pathname + location.search);
      return;
    }
    const saved = readAutosave(localStorage);
    if (saved !== undefined && (await this.#load(saved, undefined))) return;
    await this.#load(exampleWorkflow(), undefined);
  }

  /** Validates and opens a workflow; shows every problem and keeps the graph when it is invalid. */
  async #load(input: unknown, success: string | undefined): Promise<boolean> {
    const ui = this.editor;
    if (ui === undefined) return false;
    const result = await ui.loadWorkflow(input);
    if (!result.ok) {
      this.notice = { kind: 'error', text: `${formatProblems(result.problems)}\nThe graph was not changed.` };
      return false;
    }
    this.#workflowName = result.workflow.name;
    if (success !== undefined) this.notice = { kind: 'info', text: success };
    this.#graphChanged();
    return true;
  }

  #settled(summary: RunSummary): void {
    if (summary.cancelled) return;
    const failed = [...summary.statuses.values()].filter((s) => s.state === 'error').length;
    this.runs = [...this.runs, { durationMs: summary.durationMs, failed, at: new Date() }].slice(-MAX_RUNS);
    this.#autosave();
  }

  #graphChanged(): void {
    if (this.#bridge === undefined) return;
    this.prompts = this.#bridge.prompts();
    void this.#showImage(this.#bridge.imageSource());
  }

  async #showImage(source: string): Promise<void> {
    if (source === this.#shownSource) return;
    this.#shownSource = source;
    if (source.trim() === '') {
      [this.image, this.imageCaption, this.imageProblem] = [undefined, '', undefined];
      return;
    }
    try {
      const image = await this.#images(source);
      if (this.#shownSource !== source) return;
      [this.image, this.imageCaption, this.imageProblem] = [image, `${describeSource(source)}, ${image.width}×${image.height}`, undefined];
    } catch (error) {
      if (this.#shownSource !== source) return;
      const report = reportError(error);
      [this.image, this.imageCaption, this.imageProblem] = [undefined, describeSource(source), `${report.message} ${report.advice}`];
    }
  }

  #autosave(): void {
    if (this.editor === undefined) return;
    try {
      const outcome = saveAutosave(localStorage, this.editor.toWorkflow(this.#workflowName === undefined ? {} : { name: this.#workflowName }));
      if (outcome.withoutImages && this.notice === undefined) this.notice = { kind: 'info', text: 'The dropped image is too large to autosave: after a reload the graph shows the example scene. Save the workflow to keep it.' };
    } catch (error) {
      this.notice = { kind: 'error', text: reportError(error).message };
    }
  }

  async #loadModel(request: ModelLoadRequest): Promise<void> {
    await this.#models.load(request.choice, request.backend);
  }

  /** A new model replaced `previous`: re-run everything on it, then free the old one. */
  async #swapped(previous: WebCLIPSeg | undefined): Promise<void> {
    const plugin = this.editor?.plugin;
    if (plugin !== undefined) {
      plugin.executor.forgetPipelines();
      plugin.schedule();
      await plugin.whenIdle();
    }
    await previous?.dispose();
  }

  async #imageFile(file: File): Promise<void> {
    await this.#guard(async () => this.#bridge!.setImageSource(await readAsDataUrl(file)));
  }

  async #dropped(event: DragEvent): Promise<void> {
    if (event.defaultPrevented) return; // a node's own drop zone took it
    const file = event.dataTransfer?.files[0];
    if (file === undefined) return;
    event.preventDefault();
    if (file.type.startsWith('image/')) await this.#imageFile(file);
    else if (file.name.endsWith('.json')) await this.#open(file);
    else this.notice = { kind: 'error', text: `${file.name} is neither an image nor a workflow (.json): drop a PNG, JPEG or WebP image, or a saved workflow.` };
  }

  #save = (): void => {
    if (this.editor === undefined) return;
    const name = downloadWorkflow(this.editor.toWorkflow({ name: this.#workflowName ?? 'my workflow' }), document);
    this.notice = { kind: 'info', text: `Saved the workflow as ${name} (in your downloads).` };
  };

  async #open(file: File): Promise<void> {
    await this.#guard(async () => {
      await this.#load(await readWorkflowFile(file), `Opened ${file.name}.`);
    });
  }

  async #share(): Promise<void> {
    if (this.editor === undefined) return;
    await this.#guard(async () => {
      const { fragment, droppedImages } = await encodeShareFragment(this.editor!.toWorkflow(this.#workflowName === undefined ? {} : { name: this.#workflowName }));
      const url = `${location.origin}${location.pathname}${location.search}#${fragment}`;
      this.shareUrl = url;
      const copied = await navigator.clipboard?.writeText(url).then(
        () => true,
        () => false,
      );
      const note = droppedImages > 0 ? ' The dropped image is not part of the link: it opens on the example scene.' : '';
      this.notice = { kind: 'info', text: `${copied ? 'Copied a link to this graph.' : 'Here is a link to this graph (copy it below).'}${note}` };
    });
  }

  /** Runs `action`, showing its failure as a notice. */
  async #guard(action: () => Promise<unknown>): Promise<void> {
    try {
      await action();
    } catch (error) {
      const report = reportError(error);
      this.notice = { kind: 'error', text: `${report.code}: ${report.message}${report.advice ? ` ${report.advice}` : ''}` };
    }
  }
}

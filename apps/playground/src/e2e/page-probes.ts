import type { Page } from 'playwright';

/** What a node's preview canvas shows. */
export interface PreviewProbe {
  readonly state: string;
  readonly width: number;
  readonly height: number;
  /** Distinct gray levels of the red channel (1 = uniform). */
  readonly levels: number;
  /** Sum of the red channel: tells two pictures apart. */
  readonly sum: number;
}

/**
 * Reads the state and preview canvas of node `nodeId` of the playground's editor: finds the node's
 * `<clipseg-node-status>` through the shadow roots and reads its canvas.
 */
export function probePreview(page: Page, nodeId: string): Promise<PreviewProbe | undefined> {
  return page.evaluate((id) => {
    type StatusElement = HTMLElement & { control?: unknown; canvas: HTMLCanvasElement | null };
    const app = document.querySelector('clipseg-playground') as (HTMLElement & { editor?: { plugin: { nodes(): { id: string; statusControl: { status: { state: string } } }[] } } }) | null;
    const node = app?.editor?.plugin.nodes().find((n) => n.id === id);
    if (node === undefined) return undefined;
    const all = (root: ParentNode): Element[] => {
      const found: Element[] = [...root.querySelectorAll('clipseg-node-status')];
      for (const el of root.querySelectorAll('*')) if (el.shadowRoot) found.push(...all(el.shadowRoot));
      return found;
    };
    const element = all(document).find((el) => (el as StatusElement).control === node.statusControl) as StatusElement | undefined;
    const canvas = element?.canvas;
    const state = node.statusControl.status.state;
    if (!canvas || canvas.width === 0) return { state, width: 0, height: 0, levels: 0, sum: 0 };
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    const levels = new Set<number>();
    let sum = 0;
    for (let i = 0; i < data.length; i += 4) {
      levels.add(data[i]!);
      sum += data[i]!;
    }
    return { state, width: canvas.width, height: canvas.height, levels: levels.size, sum };
  }, nodeId);
}

/**
 * Interactive elements (buttons, inputs, selects, textareas; through shadow roots) that a user can reach but that
 * have no accessible name: no label, `aria-label`, `aria-labelledby`, `title` or text.
 */
export function unnamedControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const all = (root: ParentNode): Element[] => {
      const found: Element[] = [...root.querySelectorAll('button, input, select, textarea')];
      for (const el of root.querySelectorAll('*')) if (el.shadowRoot) found.push(...all(el.shadowRoot));
      return found;
    };
    return all(document)
      .filter((el) => {
        const input = el as HTMLInputElement;
        if (input.type === 'hidden' || input.hidden || input.disabled) return false;
        const named =
          (input.labels?.length ?? 0) > 0 ||
          el.getAttribute('aria-label') ||
          el.getAttribute('aria-labelledby') ||
          el.getAttribute('title') ||
          (el.tagName === 'BUTTON' && el.textContent!.trim() !== '');
        return !named;
      })
      .map((el) => `${el.tagName.toLowerCase()}${el.getAttribute('type') ? `[type=${el.getAttribute('type')}]` : ''}${el.getAttribute('name') ? `[name=${el.getAttribute('name')}]` : ''}`);
  });
}

/** Interactive elements that the Tab key skips (a negative `tabIndex`), through shadow roots. */
export function unreachableControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const all = (root: ParentNode): Element[] => {
      const found: Element[] = [...root.querySelectorAll('button, input, select, textarea, a[href]')];
      for (const el of root.querySelectorAll('*')) if (el.shadowRoot) found.push(...all(el.shadowRoot));
      return found;
    };
    return all(document)
      .filter((el) => (el as HTMLElement).tabIndex < 0 && !(el as HTMLInputElement).disabled && (el as HTMLInputElement).type !== 'hidden')
      .map((el) => `${el.tagName.toLowerCase()}${el.getAttribute('type') ? `[type=${el.getAttribute('type')}]` : ''}`);
  });
}

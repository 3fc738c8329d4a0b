/** What the editor's keyboard shortcuts do. */
export interface ShortcutActions {
  /** Delete or Backspace. */
  delete(): void | Promise<void>;
  /** Ctrl/⌘+C. */
  copy(): void | Promise<void>;
  /** Ctrl/⌘+V. */
  paste(): void | Promise<void>;
  /** Ctrl/⌘+Z. */
  undo(): void | Promise<void>;
  /** Ctrl/⌘+Shift+Z or Ctrl/⌘+Y. */
  redo(): void | Promise<void>;
  /** F. */
  fit(): void | Promise<void>;
}

const EDITABLE = new Set(['INPUT', 'TEXTAREA', 'SELECT']);

/** The action a key event asks for, or `undefined`. */
export function shortcutFor(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>): keyof ShortcutActions | undefined {
  const mod = event.ctrlKey || event.metaKey;
  const key = event.key.toLowerCase();
  if (event.altKey) return undefined;
  if (!mod && (key === 'delete' || key === 'backspace')) return 'delete';
  if (!mod && !event.shiftKey && key === 'f') return 'fit';
  if (!mod) return undefined;
  if (key === 'c') return 'copy';
  if (key === 'v') return 'paste';
  if (key === 'z') return event.shiftKey ? 'redo' : 'undo';
  if (key === 'y') return 'redo';
  return undefined;
}

/**
 * Binds the shortcuts to key presses inside `target` (made focusable, and focused on pointer down), ignoring
 * presses in text fields. Returns the function that unbinds them.
 */
export function bindShortcuts(target: HTMLElement, actions: ShortcutActions): () => void {
  if (target.tabIndex < 0) target.tabIndex = 0;
  const onKey = (event: KeyboardEvent) => {
    if (event.composedPath().some((el) => el instanceof HTMLElement && (EDITABLE.has(el.tagName) || el.isContentEditable))) return;
    const action = shortcutFor(event);
    if (action === undefined) return;
    event.preventDefault();
    void actions[action]();
  };
  const onPointer = () => target.focus({ preventScroll: true });
  target.addEventListener('keydown', onKey);
  target.addEventListener('pointerdown', onPointer);
  return () => {
    target.removeEventListener('keydown', onKey);
    target.removeEventListener('pointerdown', onPointer);
  };
}

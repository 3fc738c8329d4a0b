/** Which onnxruntime-web build the model runs on. */
export type BackendChoice = 'auto' | 'wasm';

/** Labels of {@link BackendChoice}s, for menus. */
export const BACKEND_CHOICES: readonly { readonly value: BackendChoice; readonly label: string }[] = Object.freeze([
  { value: 'auto', label: 'Auto (WebGPU, else WASM)' },
  { value: 'wasm', label: 'WASM only' },
]);

/** How a converted checkpoint stores its weights. */
export type CheckpointDType = 'fp32' | 'fp16' | 'int8';

/** Where a model comes from. */
export type ModelChoice =
  /** The tiny random model the app builds offline (untrained). */
  | { readonly kind: 'builtin' }
  /** A converted bundle (a folder with `manifest.json`) on a server. */
  | { readonly kind: 'bundle-url'; readonly url: string }
  /** A converted bundle the user picked (files or a folder). */
  | { readonly kind: 'bundle-files'; readonly files: readonly File[] }
  /** An HF CLIPSeg checkpoint folder on a server, converted in the page. */
  | { readonly kind: 'checkpoint-url'; readonly url: string; readonly dtype: CheckpointDType }
  /** An HF CLIPSeg checkpoint the user picked (files or a folder), converted in the page. */
  | { readonly kind: 'checkpoint-files'; readonly files: readonly File[]; readonly dtype: CheckpointDType };

/** The kinds of {@link ModelChoice}. */
export type ModelChoiceKind = ModelChoice['kind'];

/** The built-in model's name, as the app shows it. */
export const BUILTIN_MODEL_LABEL = 'Built-in tiny CLIPSeg (random weights)';

const folderName = (files: readonly File[]) => {
  const first = files[0] as (File & { webkitRelativePath?: string }) | undefined;
  const top = first?.webkitRelativePath?.split('/')[0];
  return top || `${files.length} file${files.length === 1 ? '' : 's'}`;
};

/** A short name of where the model comes from, for status lines. */
export function describeChoice(choice: ModelChoice): string {
  switch (choice.kind) {
    case 'builtin':
      return BUILTIN_MODEL_LABEL;
    case 'bundle-url':
      return `bundle ${choice.url}`;
    case 'bundle-files':
      return `bundle (${folderName(choice.files)})`;
    case 'checkpoint-url':
      return `HF checkpoint ${choice.url} (${choice.dtype}, converted here)`;
    case 'checkpoint-files':
      return `HF checkpoint (${folderName(choice.files)}, ${choice.dtype}, converted here)`;
  }
}

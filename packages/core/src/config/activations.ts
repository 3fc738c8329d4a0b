/**
 * Activation names accepted in `hidden_act` / `decoder_hidden_act`, spelled as in transformers' `ACT2FN`.
 *
 * - `quick_gelu`: `x * sigmoid(1.702 x)` (every published CLIPSeg checkpoint).
 * - `gelu`: the exact, erf-based GELU.
 * - `gelu_new`, `gelu_pytorch_tanh`, `gelu_fast`: the tanh approximation of GELU (numerically the same formula,
 *   `0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³)))`; HF's `gelu_fast` writes the tanh argument as `0.7978845608 x (1 + 0.044715 x²)`).
 * - `relu`: `max(x, 0)`.
 * - `silu` and its alias `swish`: `x * sigmoid(x)`.
 */
export const HIDDEN_ACTIVATIONS = [
  'quick_gelu',
  'gelu',
  'gelu_new',
  'gelu_pytorch_tanh',
  'gelu_fast',
  'relu',
  'silu',
  'swish',
] as const;

/** One of {@link HIDDEN_ACTIVATIONS}. */
export type HiddenActivation = (typeof HIDDEN_ACTIVATIONS)[number];

const ACTIVATION_SET: ReadonlySet<string> = new Set(HIDDEN_ACTIVATIONS);

/** True when `name` is one of {@link HIDDEN_ACTIVATIONS}. */
export function isHiddenActivation(name: unknown): name is HiddenActivation {
  return typeof name === 'string' && ACTIVATION_SET.has(name);
}

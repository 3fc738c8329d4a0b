/**
 * The kinds of values that flow along connections:
 *
 * - `image` — a decoded image (`RasterImage` from `@clipseg/processor`).
 * - `text` — a string (a text prompt).
 * - `embedding` — something that resolves to a conditional embedding: a core `Prompt` (text, image prompt,
 *   embedding vector or weighted mix).
 * - `mask` — a `SoftMask` (probabilities) or `BinaryMask` at the image's resolution.
 */
export const SOCKET_TYPES = Object.freeze(['image', 'text', 'embedding', 'mask'] as const);

/** One of {@link SOCKET_TYPES}. */
export type SocketType = (typeof SOCKET_TYPES)[number];

/** True when `value` is one of {@link SOCKET_TYPES}. */
export function isSocketType(value: unknown): value is SocketType {
  return typeof value === 'string' && (SOCKET_TYPES as readonly string[]).includes(value);
}

/**
 * Whether an output of type `from` may feed an input of type `to`: the same type, or a `text` into an
 * `embedding` input (a text is a prompt: it is embedded with the text tower). Everything else is refused, in the
 * editor (the connection is not made) and in workflow files (`WORKFLOW_CONNECTION_INCOMPATIBLE`).
 */
export function canConnect(from: SocketType, to: SocketType): boolean {
  return from === to || (from === 'text' && to === 'embedding');
}

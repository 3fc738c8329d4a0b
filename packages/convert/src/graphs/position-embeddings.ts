/**
 * Resizing the vision position-embedding table to another patch grid. The function lives in `@clipseg/core/hf` (the
 * runtime needs it for the `vision_model` graph); it is re-exported here for the graph builders and for callers of
 * `@clipseg/convert`.
 *
 * @module
 */
export { interpolatePositionEmbeddings } from '@clipseg/core/hf';

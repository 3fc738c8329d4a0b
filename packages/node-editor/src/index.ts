/**
 * `@clipseg/node-editor`: A Rete.js v2 plugin rendered with lit for composing CLIPSeg workflows visually: text, image and embedding prompt nodes wired to segmentation and mask nodes; workflows as versioned JSON that also run headless.
 *
 * Not implemented yet: this module deliberately exports nothing.
 *
 * @packageDocumentation
 */
export {};

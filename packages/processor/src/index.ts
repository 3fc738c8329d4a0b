/**
 * `@clipseg/processor`: Image pre-processing bit-faithful to HF ViTImageProcessor (Pillow bilinear with antialias, rescale, normalize) and mask post-processing (sigmoid, resize, threshold, blur, morphology, combine, overlays, PNG-ready masks), plus visual-prompt engineering.
 *
 * Not implemented yet: this module deliberately exports nothing.
 *
 * @packageDocumentation
 */
export {};

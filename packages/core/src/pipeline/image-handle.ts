import type { ImageSize } from '../config/preprocessor-config.js';
import type { Tensor } from '../tensor/tensor.js';
import { PipelineError } from './pipeline-error.js';

/** The pipeline side of handles: which pipeline made a handle, and whether that pipeline is still alive. @internal */
export interface HandleOwner {
  /** True once the pipeline is disposed; its handles are then disposed too. */
  readonly disposed: boolean;
}

interface HandleState {
  readonly owner: HandleOwner;
  activations: readonly Tensor<'float32'>[] | undefined;
}

const states = new WeakMap<ImageHandle, HandleState>();
let nextId = 1;

/**
 * One encoded image: the vision activations of one image (what the decoder reads), its original size and an id.
 * Made by `CLIPSeg.encodeImage(s)`; reuse it for any number of `segment` calls, so the vision tower runs once per
 * image. Opaque: the activations are not exposed.
 *
 * A handle holds `extract_layers.length × tokens × hidden_size` floats (≈ 1.8 MB at 352×352 for the CIDAS
 * checkpoints) until {@link ImageHandle.dispose} or until it is garbage-collected. Disposing the pipeline disposes
 * its handles.
 */
export class ImageHandle {
  /** Unique id (within this JavaScript realm), for logs and caches. */
  readonly id: string;
  /** The original size of the image (as the image adapter reported it). */
  readonly imageSize: ImageSize;

  /** @internal Use `CLIPSeg.encodeImage`. */
  constructor(owner: HandleOwner, imageSize: ImageSize, activations: readonly Tensor<'float32'>[]) {
    this.id = `image-${nextId++}`;
    this.imageSize = Object.freeze({ height: imageSize.height, width: imageSize.width });
    states.set(this, { owner, activations });
  }

  /** True after {@link ImageHandle.dispose} or after its pipeline was disposed. */
  get disposed(): boolean {
    const state = states.get(this);
    return state === undefined || state.activations === undefined || state.owner.disposed;
  }

  /** Frees the activations; later `segment` calls with this handle reject with `PIPELINE_HANDLE_DISPOSED`. Idempotent. */
  dispose(): void {
    const state = states.get(this);
    if (state !== undefined) state.activations = undefined;
  }
}

/**
 * The activations of `handle` for its owner.
 *
 * @throws {@link PipelineError} `PIPELINE_HANDLE_FOREIGN` when `handle` is not a handle of `owner`,
 *   `PIPELINE_HANDLE_DISPOSED` when it was disposed
 * @internal
 */
export function handleActivations(handle: unknown, owner: HandleOwner): readonly Tensor<'float32'>[] {
  const state = typeof handle === 'object' && handle !== null ? states.get(handle as ImageHandle) : undefined;
  if (state === undefined || state.owner !== owner) {
    throw new PipelineError(
      'PIPELINE_HANDLE_FOREIGN',
      state === undefined
        ? 'segment() takes an ImageHandle from encodeImage() or encodeImages(); got something else. Encode the image first (or call segmentImage()).'
        : 'This ImageHandle was made by another CLIPSeg pipeline; activations are model-specific. Encode the image with this pipeline.',
    );
  }
  if (state.activations === undefined) {
    throw new PipelineError('PIPELINE_HANDLE_DISPOSED', `ImageHandle ${(handle as ImageHandle).id} was disposed; encode the image again.`, {
      details: { id: (handle as ImageHandle).id },
    });
  }
  return state.activations;
}

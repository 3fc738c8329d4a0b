import type { BundleManifest, Prompt, SessionInfo, SessionOptions, TensorDType } from '@clipseg/core';
import type { PromptMask, RasterImage } from '@clipseg/processor';
import type { LoadProgress } from '../loading/load-progress.js';
import type { Integrity } from '../loading/verify-entry.js';

/** An image as it crosses to the worker: decoded pixels, or something the worker decodes. @internal */
export type WireImage = { readonly raster: RasterImage } | { readonly source: Blob | ImageBitmap | ImageData | string };

/** A prompt as it crosses to the worker. @internal */
export type WirePrompt = Prompt<WireImage, PromptMask>;

/** A tensor as it crosses back (its buffer transferred). @internal */
export interface WireTensor {
  readonly type: TensorDType;
  readonly dims: readonly number[];
  readonly data: Float32Array;
}

/** Serializable backend options the worker's backend factory receives. */
export interface WorkerBackendOptions {
  /** `ort.env.wasm.wasmPaths` inside the worker (absolute URLs). */
  readonly wasmPaths?: string | { readonly wasm?: string; readonly mjs?: string };
  /** WASM threads (the worker must be cross-origin isolated, as its page). */
  readonly numThreads?: number;
  /** Execution providers in order of preference. */
  readonly executionProviders?: readonly string[];
}

/** Serializable load options. @internal */
export interface WireLoadOptions {
  readonly verify?: 'none' | 'size' | 'sha256';
  readonly textCacheSize?: number;
  readonly cache?: boolean | 'opfs';
  readonly integrity?: Integrity;
  readonly sessionOptions?: SessionOptions;
  readonly backend?: WorkerBackendOptions;
}

/** What a bundle source can be when it crosses to the worker (all structured-cloneable). */
export type WorkerBundleSource = string | readonly File[] | FileSystemDirectoryHandle | Readonly<Record<string, Uint8Array>>;

/** Requests from the page to the worker. @internal */
export type Request =
  | { readonly id: number; readonly op: 'load'; readonly source: WorkerBundleSource; readonly options: WireLoadOptions }
  | { readonly id: number; readonly op: 'encodeImages'; readonly images: readonly WireImage[] }
  | { readonly id: number; readonly op: 'segment'; readonly handle: string; readonly prompts: WirePrompt | readonly WirePrompt[] }
  | { readonly id: number; readonly op: 'segmentImage'; readonly image: WireImage; readonly prompts: WirePrompt | readonly WirePrompt[] }
  | { readonly id: number; readonly op: 'embed'; readonly prompts: WirePrompt | readonly WirePrompt[] }
  | { readonly id: number; readonly op: 'disposeHandle'; readonly handle: string }
  | { readonly id: number; readonly op: 'dispose' }
  | { readonly id: number; readonly op: 'abort'; readonly target: number };

/** A serialized error. @internal */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly details?: Record<string, unknown>;
}

/** What `load` answers. @internal */
export interface WireLoaded {
  readonly manifest: BundleManifest;
  readonly sessionInfo: Readonly<Record<string, SessionInfo>>;
}

/** A segmentation as it crosses back. @internal */
export interface WireSegmentation {
  readonly logits: WireTensor;
  readonly conditionalEmbeddings: WireTensor;
  readonly imageSize: { readonly width: number; readonly height: number };
  readonly imageId: string;
}

/** Messages from the worker to the page. @internal */
export type Response =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly error: WireError }
  | { readonly id: number; readonly progress: LoadProgress }
  | { readonly id: number; readonly warning: string };

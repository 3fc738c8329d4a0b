/** A progress event of a bundle (or checkpoint) load: the file in flight and, once the manifest is known, the whole bundle. */
export interface LoadProgress {
  /** The file's name inside the bundle (`vision_encoder.onnx`). */
  readonly file: string;
  /** Where it comes from: its URL, or the picked file's name. */
  readonly source: string;
  /** Bytes of this file so far. */
  readonly loaded: number;
  /** This file's size, when known (manifest or `Content-Length`). */
  readonly total: number | undefined;
  /** `loaded / total` in [0, 1], when the total is known. */
  readonly fraction: number | undefined;
  /** True when the bytes came from the persistent cache rather than the network. */
  readonly fromCache: boolean;
  /** The whole bundle (every file `manifest.json` lists), once the manifest was read. */
  readonly overall?: {
    /** Bytes of the bundle's files loaded so far (cache hits included). */
    readonly loaded: number;
    /** Bytes of all the files the manifest lists. */
    readonly total: number;
    /** `loaded / total` in [0, 1]. */
    readonly fraction: number;
  };
}

/** Receives {@link LoadProgress} events. */
export type LoadProgressListener = (progress: LoadProgress) => void;

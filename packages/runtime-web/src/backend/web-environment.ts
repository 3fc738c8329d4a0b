/**
 * What the page offers onnxruntime-web: cross-origin isolation (threads need `SharedArrayBuffer`), cores, and
 * WebAssembly SIMD. Read from standard globals that exist in pages and workers alike; nothing here picks a runtime.
 */
export interface WebEnvironment {
  /** `crossOriginIsolated`: true when the page is served with COOP `same-origin` and COEP `require-corp`/`credentialless`. */
  readonly crossOriginIsolated: boolean;
  /** `navigator.hardwareConcurrency` (1 when unknown). */
  readonly hardwareConcurrency: number;
  /** True when WebAssembly SIMD (128-bit) validates; onnxruntime-web 1.30 ships only SIMD builds. */
  readonly wasmSimd: boolean;
}

/** How many WASM threads onnxruntime-web uses, and why it is fewer than asked when it is. */
export interface ThreadPlan {
  /** Threads for `ort.env.wasm.numThreads` (1 = single-threaded, no worker threads). */
  readonly threads: number;
  /** Why multi-threading is off or reduced, when it is. */
  readonly reason?: string;
}

// (module (func (result v128) i32.const 0 i8x16.splat i8x16.popcnt)) — the probe wasm-feature-detect uses.
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);

/** Reads the {@link WebEnvironment} of the current page or worker. */
export function detectWebEnvironment(): WebEnvironment {
  const scope = globalThis as { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } };
  let wasmSimd: boolean;
  try {
    wasmSimd = typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
  } catch {
    wasmSimd = false;
  }
  return {
    crossOriginIsolated: scope.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function',
    hardwareConcurrency: Math.max(1, Math.floor(scope.navigator?.hardwareConcurrency ?? 1)),
    wasmSimd,
  };
}

/**
 * Chooses the WASM thread count: `requested` (or onnxruntime-web's own default, `min(4, ceil(cores / 2))`) when
 * the page is cross-origin isolated, 1 otherwise, with the reason.
 *
 * @param environment - from {@link detectWebEnvironment}
 * @param requested - threads asked for; 0 or `undefined` for the default
 */
export function planThreads(environment: WebEnvironment, requested?: number): ThreadPlan {
  const wanted = requested !== undefined && requested > 0 ? Math.floor(requested) : Math.min(4, Math.ceil(environment.hardwareConcurrency / 2));
  if (wanted <= 1) {
    const reason = `onnxruntime-web's default for ${environment.hardwareConcurrency} core(s) is one thread; pass numThreads to use more`;
    return { threads: 1, ...(requested === 1 ? {} : { reason }) };
  }
  if (!environment.crossOriginIsolated) {
    return {
      threads: 1,
      reason:
        'the page is not cross-origin isolated, so WASM runs single-threaded: serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp (or credentialless)',
    };
  }
  return { threads: wanted };
}

/** The part of WebGPU's `GPU` this package touches (TypeScript's DOM library may not declare WebGPU). */
interface GpuLike {
  requestAdapter(options?: { powerPreference?: 'low-power' | 'high-performance' }): Promise<object | null>;
}

/** The outcome of {@link probeWebGpuAdapter}: an adapter, or why there is none. */
export type WebGpuProbe = { readonly adapter: object; readonly reason?: undefined } | { readonly adapter?: undefined; readonly reason: string };

/**
 * Asks `navigator.gpu` for an adapter. Never throws: without WebGPU, or without an adapter, it says why.
 *
 * @param powerPreference - passed to `requestAdapter`
 */
export async function probeWebGpuAdapter(powerPreference?: 'low-power' | 'high-performance'): Promise<WebGpuProbe> {
  const gpu = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
  if (gpu === undefined || typeof gpu.requestAdapter !== 'function') {
    return { reason: 'WebGPU is not available here (navigator.gpu is missing: an older browser, an insecure context, or WebGPU disabled)' };
  }
  try {
    const adapter = await gpu.requestAdapter(powerPreference === undefined ? undefined : { powerPreference });
    if (adapter === null || adapter === undefined) {
      return { reason: 'navigator.gpu.requestAdapter() found no WebGPU adapter (no usable GPU; headless Chromium needs --enable-unsafe-webgpu)' };
    }
    return { adapter };
  } catch (error) {
    return { reason: `navigator.gpu.requestAdapter() failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}

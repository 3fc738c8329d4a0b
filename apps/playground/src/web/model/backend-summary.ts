import type { SessionInfo } from '@clipseg/core';

/** What a model runs on, as the status bar shows it. */
export interface BackendSummary {
  /** WebGPU, WASM on several threads, or WASM on one. */
  readonly kind: 'webgpu' | 'wasm-threads' | 'wasm-single';
  /** Short label: `WebGPU`, `WASM · 4 threads`, `WASM · single thread`. */
  readonly label: string;
  /** A few words on a fallback, when there was one: `no WebGPU`, `threads limited`. */
  readonly note?: string;
  /** Why it is not faster, in full, when the runtime said so (no WebGPU adapter, page not cross-origin isolated …). */
  readonly detail?: string;
}

/**
 * Summarises a session's info (runtime-web's `WebSessionInfo`: execution provider, threads and the reasons for
 * fallbacks) for the status bar.
 */
export function summarizeBackend(info: SessionInfo | undefined): BackendSummary {
  const web = info as (SessionInfo & { threads?: number; threadsReason?: string }) | undefined;
  const reasons = [web?.fallbackReason, web?.threadsReason].filter((r): r is string => typeof r === 'string' && r !== '');
  const detail = reasons.length > 0 ? reasons.join(' ') : undefined;
  const note = web?.fallbackReason ? 'no WebGPU' : web?.threadsReason ? 'threads limited' : undefined;
  const withDetail = <T extends object>(summary: T) => (detail === undefined ? summary : { ...summary, detail, ...(note === undefined ? {} : { note }) });
  if (web?.executionProvider === 'webgpu') return withDetail({ kind: 'webgpu' as const, label: 'WebGPU' });
  const threads = web?.threads ?? 1;
  if (threads > 1) return withDetail({ kind: 'wasm-threads' as const, label: `WASM · ${threads} threads` });
  return withDetail({ kind: 'wasm-single' as const, label: 'WASM · single thread' });
}

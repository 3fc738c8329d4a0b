import { HubError } from '@clipseg/core';

/** Default idle timeout of a Hub request: no byte for this long and the attempt is given up (then retried). */
export const DEFAULT_HUB_IDLE_TIMEOUT_MS = 30_000;
/** Default total timeout of a whole pull (a 600 MB checkpoint at 85 kB/s). */
export const DEFAULT_HUB_TOTAL_TIMEOUT_MS = 2 * 60 * 60_000;

/** Longest delay `setTimeout` honours (about 24.8 days); a longer one would fire at once, so it means no timer. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** `1500` → `1.5 s`. */
export const seconds = (ms: number): string => `${Number((ms / 1000).toFixed(3))} s`;

/** A signal with a timer behind it; always call `dispose`. */
export interface Deadline {
  /** Aborted when the timer fires (reason: a `HubError` `HUB_TIMEOUT`) or when the parent signal aborts (its reason). */
  readonly signal: AbortSignal;
  /** The error the timer aborts with, to tell a timeout from the parent's abort. */
  readonly timeout: HubError;
  /** Restarts the timer (an idle deadline: call it whenever data arrives). */
  touch(): void;
  /** Stops the timer and unlinks from the parent. */
  dispose(): void;
}

function deadline(parent: AbortSignal | undefined, ms: number, timeout: HubError): Deadline {
  const controller = new AbortController();
  const onParent = () => controller.abort(parent?.reason);
  if (parent?.aborted) onParent();
  else parent?.addEventListener('abort', onParent, { once: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    if (timer !== undefined) clearTimeout(timer);
    if (!(ms <= MAX_TIMER_MS) || controller.signal.aborted) return; // NaN, Infinity and longer than setTimeout can wait: none
    timer = setTimeout(() => controller.abort(timeout), ms);
    timer.unref?.();
  };
  arm();
  return {
    signal: controller.signal,
    timeout,
    touch: arm,
    dispose: () => {
      if (timer !== undefined) clearTimeout(timer);
      parent?.removeEventListener('abort', onParent);
    },
  };
}

/**
 * The total deadline of one pull, linked to the caller's signal.
 *
 * @param ms - the total timeout (`Infinity` for none)
 */
export function totalDeadline(parent: AbortSignal | undefined, ms: number, what: string): Deadline {
  return deadline(parent, ms, new HubError('HUB_TIMEOUT', `${what} took longer than its total timeout of ${seconds(ms)}; run it again to resume (finished files are kept), or allow more time (--timeout, totalTimeoutMs).`, { details: { timeoutMs: ms } }));
}

/**
 * The idle deadline of one request: aborted when no data arrived for `ms` (call `touch` on each chunk), or when
 * `parent` aborts.
 */
export function idleDeadline(parent: AbortSignal | undefined, ms: number, what: string): Deadline {
  return deadline(parent, ms, new HubError('HUB_TIMEOUT', `no data for ${seconds(ms)} from ${what}: the server stalled (raise the idle timeout with --idle-timeout or idleTimeoutMs on slow links)`, { details: { idleTimeoutMs: ms } }));
}

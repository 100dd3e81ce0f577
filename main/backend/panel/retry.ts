// Which failures are tried again, and how long to wait between tries.
//
// p-retry rather than a hand-written loop: it already gets the subtle parts
// right — exponential backoff with jitter (`randomize`), an abortable wait that
// rejects with the caller's abort reason, a clean "stop now" (AbortError), and
// attempt bookkeeping — and it is already a dependency. What it cannot know
// is Retry-After, which is added in onFailedAttempt below.
import pRetry, { AbortError as StopRetrying } from 'p-retry';
import { PanelError } from './errors.js';

export type RetryOptions = {
  /** tries after the first; 0 disables retrying (default 4) */
  retries?: number;
  /** wait before the first retry, doubled each time, with jitter ×1–2 (default 500) */
  minDelayMs?: number;
  /** the longest backoff wait (default 10000) */
  maxDelayMs?: number;
  factor?: number;
  /** a 429 asking to wait longer than this is not waited for: it surfaces as rate_limited (default 60000) */
  maxRetryAfterMs?: number;
};

export const DEFAULT_RETRY: Required<RetryOptions> = {
  retries: 4,
  minDelayMs: 500,
  maxDelayMs: 10_000,
  factor: 2,
  maxRetryAfterMs: 60_000,
};

/**
 * Runs `attempt` until it succeeds, a failure is not retryable (400, 401,
 * 403, 404, 409, 410 — never sent again unchanged), the retries are used up,
 * or `signal` aborts (then rejects with its reason).
 */
export function withRetry<T>(attempt: () => Promise<T>, options: Required<RetryOptions>, signal?: AbortSignal): Promise<T> {
  return pRetry(
    async (attemptNumber) => {
      try {
        return await attempt();
      } catch (e) {
        if (signal?.aborted) throw new StopRetrying(asError(signal.reason));
        if (!(e instanceof PanelError)) throw new StopRetrying(asError(e)); // a bug, not the panel
        e.attempts = attemptNumber;
        const tooLong = e.kind === 'rate_limited' && (e.retryAfterMs ?? 0) > options.maxRetryAfterMs;
        if (!e.retryable || tooLong) throw new StopRetrying(e);
        throw e;
      }
    },
    {
      retries: options.retries,
      factor: options.factor,
      minTimeout: options.minDelayMs,
      maxTimeout: options.maxDelayMs,
      randomize: true,
      signal,
      onFailedAttempt: async ({ error, retriesLeft }) => {
        // Honour Retry-After first; p-retry's own backoff then follows it.
        if (retriesLeft > 0 && error instanceof PanelError && error.kind === 'rate_limited' && error.retryAfterMs) {
          await sleep(error.retryAfterMs, signal);
        }
      },
    },
  );
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

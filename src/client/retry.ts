/**
 * The SDK's retry policy, in one function, and the two small tools it needs (Retry-After parsing,
 * an abortable sleep). Everything that waits — polling a queued report, waiting out a rate limit,
 * riding out a restart or a dropped connection — decides here how long.
 */

export interface RetryTuning {
  /** First back-off step when the server gives no Retry-After. */
  initialDelayMs: number;
  /** Cap of every wait that is ours to choose (back-off, and polling a 202). */
  maxDelayMs: number;
  /** Consecutive 502/503/504 or connection failures retried before giving up. */
  maxNetworkRetries: number;
}

export const DEFAULT_TUNING: RetryTuning = {
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  maxNetworkRetries: 3,
};

/** What one attempt produced: an HTTP status (with its Retry-After), or no answer at all. */
export type Outcome = { status: number; retryAfterMs: number | undefined } | { status: 'network' };

export type RetryReason = 'pending' | 'rate_limited' | 'unavailable' | 'network';

export type Decision = { retry: false } | { retry: true; delayMs: number; reason: RetryReason };

/**
 * Whether to try again after `outcome`, and after how long. `attempt` counts the consecutive
 * attempts of the same kind so far (1 after the first). Rules:
 *
 * - **202** (report queued or processing): always poll again — the deadline, not a count, ends
 *   it. Wait the server's `Retry-After` (never less: it knows its queue), capped at `maxDelayMs`
 *   because a report can finish before the hint and polls are free (they never count toward the
 *   rate limits); without one, back off exponentially.
 * - **429** (rate limit): retry, waiting exactly as long as `Retry-After` says at least, since an
 *   earlier request would be refused again. Not capped here: the caller compares the wait with
 *   its deadline and gives up at once if the wait ends beyond it (waiting could not help).
 * - **502/503/504 and connection failures**: a restart, a proxy or the network; retried a few
 *   times (`maxNetworkRetries`) with back-off, honouring a longer Retry-After (503 while starting).
 *   A 503 without Retry-After is an analytics report over its time limit: retrying would only run
 *   out of time again, so it is final.
 * - **Anything else** is final: 2xx/3xx are answers, 4xx need a different request, and a 500
 *   from the report engine repeats for the next minute whatever we do.
 *
 * Jitter spreads clients that were refused together: waits based on `Retry-After` are stretched
 * by up to 20 % (never shortened), back-off steps are "equal jitter" (half fixed, half random).
 * 401 is not here: a token refresh is not a retry (see transport.ts).
 */
export function retryDecision(
  outcome: Outcome,
  attempt: number,
  tuning: RetryTuning,
  random: () => number = Math.random,
): Decision {
  const backoff = () => {
    const step = Math.min(tuning.maxDelayMs, tuning.initialDelayMs * 2 ** (attempt - 1));
    return step / 2 + (random() * step) / 2;
  };
  const stretch = (ms: number) => ms * (1 + 0.2 * random());
  if (outcome.status === 'network') {
    return attempt > tuning.maxNetworkRetries
      ? { retry: false }
      : { retry: true, delayMs: backoff(), reason: 'network' };
  }
  const { status, retryAfterMs } = outcome;
  if (status === 202) {
    const wait = retryAfterMs === undefined ? backoff() : stretch(retryAfterMs);
    return { retry: true, delayMs: Math.min(tuning.maxDelayMs, wait), reason: 'pending' };
  }
  if (status === 429) {
    const wait = retryAfterMs === undefined ? backoff() : stretch(retryAfterMs);
    return { retry: true, delayMs: wait, reason: 'rate_limited' };
  }
  const transient =
    status === 502 || status === 504 || (status === 503 && retryAfterMs !== undefined);
  if (transient && attempt <= tuning.maxNetworkRetries) {
    const wait = Math.max(backoff(), retryAfterMs === undefined ? 0 : stretch(retryAfterMs));
    return { retry: true, delayMs: Math.min(tuning.maxDelayMs, wait), reason: 'unavailable' };
  }
  return { retry: false };
}

/** `Retry-After` in milliseconds: delta-seconds or an HTTP date; undefined when absent or bad. */
export function parseRetryAfter(
  value: string | null,
  now: number = Date.now(),
): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

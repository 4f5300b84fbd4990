/**
 * One HTTP exchange with retries: sends, asks retryDecision() what to do with the answer, waits
 * (reporting each wait), and either returns the final 2xx response — its body unread, so a large
 * report can stream — or throws the typed error carrying the server's message.
 *
 * A 401 is not a retry: when the credential is a cached token, the cache is dropped and the request
 * is sent once more with a fresh token; a second 401 in a row is final.
 */
import type { Call } from './call.js';
import {
  ConnectionError,
  errorClassFor,
  parseErrorBody,
  RateLimitError,
  type CuepointError,
} from './errors.js';
import {
  parseRetryAfter,
  retryDecision,
  sleep,
  type RetryReason,
  type RetryTuning,
} from './retry.js';

export type Fetch = typeof fetch;

/** How requests are authenticated. */
export interface Auth {
  headers(call: Call): Promise<Record<string, string>>;
  /** Forgets a cached token after a 401; false when there is nothing to refresh (an API key). */
  invalidate(): boolean;
}

export interface TransportOptions {
  fetch: Fetch;
  tuning: RetryTuning;
  random: () => number;
  userAgent: string;
}

export interface Wait {
  reason: RetryReason;
  delayMs: number;
  status: number | undefined;
  /** The body of the answer being waited out (a 202's JSON, an error's text). */
  body: string;
  message: string;
}

export interface SendRequest {
  url: URL;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  auth?: Auth;
  call: Call;
  onWait?: (wait: Wait) => void;
  /** The error class for a final failure; default by status (the token endpoint maps its codes). */
  classify?: (status: number, code: string | undefined) => typeof CuepointError;
}

/** The URL for messages: no query string (it may carry filters, never needed to explain a failure). */
function shown(url: URL): string {
  return url.origin + url.pathname;
}

/** A fetch failure's message with its cause's (`fetch failed: connect ECONNREFUSED …`). */
function causeOf(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const inner = cause.cause instanceof Error ? `: ${cause.cause.message}` : '';
  return cause.message + inner;
}

export async function send(options: TransportOptions, request: SendRequest): Promise<Response> {
  const { call } = request;
  const attempts = new Map<RetryReason, number>();
  const count = (reason: RetryReason) => {
    const n = (attempts.get(reason) ?? 0) + 1;
    attempts.set(reason, n);
    return n;
  };
  let refreshed = false;
  for (;;) {
    const headers = {
      'user-agent': options.userAgent,
      ...request.headers,
      ...(request.auth ? await request.auth.headers(call) : {}),
    };
    let response: Response;
    try {
      response = await options.fetch(request.url, {
        method: request.method ?? 'GET',
        headers,
        body: request.body,
        signal: call.signal,
      });
    } catch (error) {
      if (call.signal.aborted) throw call.signal.reason;
      const decision = retryDecision(
        { status: 'network' },
        count('network'),
        options.tuning,
        options.random,
      );
      const message = `could not reach ${shown(request.url)}: ${causeOf(error)}`;
      if (!decision.retry) {
        throw new ConnectionError(message, {
          code: 'NETWORK_ERROR',
          url: shown(request.url),
          cause: error,
        });
      }
      request.onWait?.({
        reason: 'network',
        delayMs: decision.delayMs,
        status: undefined,
        body: '',
        message,
      });
      await sleep(decision.delayMs, call.signal);
      continue;
    }
    if (response.status === 401 && !refreshed && request.auth?.invalidate()) {
      await response.body?.cancel();
      refreshed = true;
      continue;
    }
    refreshed = false;
    // Retry budgets for failures count consecutive ones: an answer ends a run of network errors.
    attempts.delete('network');
    if (response.ok && response.status !== 202) return response;

    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    const text = await response.text();
    const { status } = response;
    const reason: RetryReason =
      status === 202 ? 'pending' : status === 429 ? 'rate_limited' : 'unavailable';
    if (reason !== 'unavailable') attempts.delete('unavailable');
    const decision = retryDecision(
      { status, retryAfterMs },
      count(reason),
      options.tuning,
      options.random,
    );
    const parsed = parseErrorBody(text);
    const message = parsed.message ?? `HTTP ${status} from ${shown(request.url)}`;
    const retryAfter = retryAfterMs === undefined ? undefined : Math.ceil(retryAfterMs / 1000);
    const details = {
      status,
      code: parsed.code ?? `HTTP_${status}`,
      url: shown(request.url),
      retryAfter,
    };
    if (!decision.retry) {
      const ErrorClass = request.classify?.(status, parsed.code) ?? errorClassFor(status);
      throw new ErrorClass(message, details);
    }
    if (decision.reason === 'rate_limited' && Date.now() + decision.delayMs > call.deadline) {
      // Waiting would run past the deadline: say so now rather than sleep into a timeout.
      const wait =
        retryAfter === undefined
          ? ''
          : `; the server asks to wait ${retryAfter} s, beyond the deadline`;
      throw new RateLimitError(message + wait, details);
    }
    request.onWait?.({
      reason: decision.reason,
      delayMs: decision.delayMs,
      status,
      body: text,
      message,
    });
    await sleep(decision.delayMs, call.signal);
  }
}

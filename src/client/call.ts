/**
 * One SDK call's lifetime: the caller's AbortSignal and the call's timeout merged into one signal
 * whose reason is already the typed error (TimeoutError or AbortError), so every await that
 * observes it — fetch, a body read, a sleep, a pipeline — fails with the right class.
 */
import { AbortError, TimeoutError } from './errors.js';

export interface CallOptions {
  /** Stops the call: it rejects with AbortError. */
  signal?: AbortSignal;
  /** Time for the whole call (every window, poll, wait and byte), in ms; 0 for none. */
  timeoutMs?: number;
}

export interface Call {
  readonly signal: AbortSignal;
  /** When the call times out (ms since the epoch); Infinity without a timeout. */
  readonly deadline: number;
  /** Milliseconds since the call started. */
  elapsed(): number;
  /** The typed abort/timeout error when the call was stopped, else `error` itself. */
  fail(error: unknown): unknown;
  /** Releases the timer and the listener. */
  dispose(): void;
}

/** setTimeout's ceiling (about 24.8 days); a longer timeout is as good as none. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function startCall(options: CallOptions, defaultTimeoutMs: number): Call {
  const controller = new AbortController();
  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  const limited = timeoutMs > 0 && timeoutMs <= MAX_TIMER_MS;
  const timer = limited
    ? setTimeout(() => {
        controller.abort(
          new TimeoutError(`timed out after ${formatSeconds(timeoutMs)}`, { code: 'TIMEOUT' }),
        );
      }, timeoutMs)
    : undefined;
  // The timer alone must not keep a process alive; pending work (a socket, a sleep) does.
  timer?.unref();
  const outer = options.signal;
  const onAbort = () =>
    controller.abort(
      new AbortError('the request was aborted', { code: 'ABORTED', cause: outer?.reason }),
    );
  if (outer?.aborted) onAbort();
  else outer?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    deadline: limited ? started + timeoutMs : Infinity,
    elapsed: () => Date.now() - started,
    fail: (error) => (controller.signal.aborted ? controller.signal.reason : error),
    dispose() {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    },
  };
}

/** Runs `work` inside a call, disposing it and typing abort/timeout failures. */
export async function withCall<T>(
  options: CallOptions,
  defaultTimeoutMs: number,
  work: (call: Call) => Promise<T>,
): Promise<T> {
  const call = startCall(options, defaultTimeoutMs);
  try {
    return await work(call);
  } catch (error) {
    throw call.fail(error);
  } finally {
    call.dispose();
  }
}

function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

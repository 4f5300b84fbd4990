/**
 * The SDK's typed errors (stripe-node's model): one base class carrying the HTTP status, a stable
 * code and the server's own message, and one subclass per thing a caller does differently —
 * fix the request, fix the credentials, come back later, give it more time, or report a fault.
 */

export interface CuepointErrorOptions {
  /** HTTP status of the response that failed; absent for failures without one (network, abort). */
  status?: number;
  /** The server's code (`BAD_REQUEST`, `invalid_client`, …) or the SDK's own (`TIMEOUT`, …). */
  code: string;
  /** Seconds the server asked us to wait (`Retry-After`), when it said. */
  retryAfter?: number;
  /** The URL that failed, without its query string (which may hold filters but never secrets). */
  url?: string;
  cause?: unknown;
}

export class CuepointError extends Error {
  readonly status: number | undefined;
  readonly code: string;
  readonly retryAfter: number | undefined;
  readonly url: string | undefined;

  constructor(message: string, options: CuepointErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.status = options.status;
    this.code = options.code;
    this.retryAfter = options.retryAfter;
    this.url = options.url;
  }
}

/** 401/403 and the token endpoint's `invalid_client`, `invalid_scope`, …: fix the credentials. */
export class AuthError extends CuepointError {}

/** 400/404/405 and requests the SDK refuses before sending (a summary over six months): fix the call. */
export class ValidationError extends CuepointError {}

/** 429 still refused when the deadline came (or the server's `Retry-After` lies beyond it). */
export class RateLimitError extends CuepointError {}

/** The call's `timeoutMs` ran out (while queued, polling, waiting out a 429 or downloading). */
export class TimeoutError extends CuepointError {}

/** The caller's `AbortSignal` fired. */
export class AbortError extends CuepointError {}

/** 5xx, a body that is not what the protocol says, or (as ConnectionError) no answer at all. */
export class ServerError extends CuepointError {}

/** The server could not be reached, or the connection broke, after the retries. */
export class ConnectionError extends ServerError {}

/** The class for a final (non-retried) HTTP status. */
export function errorClassFor(status: number): typeof CuepointError {
  if (status === 401 || status === 403) return AuthError;
  if (status === 429) return RateLimitError;
  if (status >= 500) return ServerError;
  if (status >= 400) return ValidationError;
  // A 1xx/3xx where a result belongs is a server (or proxy) fault, not the caller's.
  return ServerError;
}

export interface ErrorBody {
  code: string | undefined;
  message: string | undefined;
}

function stringField(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const field: unknown = (value as Record<string, unknown>)[key];
  return typeof field === 'string' ? field : undefined;
}

/**
 * The code and message of any of the error bodies this API family sends: the gateway's
 * `[{"error_code","message"}]`, the analytics/catalog `{"result":"…"}` or
 * `{"result":{"message"}}`, RFC 6749's `{"error","error_description"}`, or plain text (a proxy's
 * page, cut short).
 */
export function parseErrorBody(text: string): ErrorBody {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    const plain = text.trim().replace(/\s+/g, ' ').slice(0, 200);
    return { code: undefined, message: plain === '' ? undefined : plain };
  }
  const first: unknown = Array.isArray(body) ? body[0] : body;
  const error = stringField(first, 'error');
  if (error !== undefined) {
    return { code: error, message: stringField(first, 'error_description') ?? error };
  }
  const result: unknown =
    typeof first === 'object' && first !== null
      ? (first as Record<string, unknown>).result
      : undefined;
  return {
    code: stringField(first, 'error_code') ?? stringField(first, 'code'),
    message:
      stringField(first, 'message') ??
      (typeof result === 'string' ? result : stringField(result, 'message')),
  };
}

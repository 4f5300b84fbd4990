/**
 * One error model for the whole program. Every failure a caller can act on is an `AppError`
 * with a stable string `code`, the HTTP status it maps to, and (for bad input) the field at fault.
 * The HTTP layer maps these in one place; anything else becomes a generic 500.
 */
export const ERROR_CODES = [
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'ACCESS_DENIED',
  'RESOURCE_NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'CONFLICT',
  'TOO_MANY_REQUESTS',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'SERVER_ERROR',
  'UNAVAILABLE',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

const STATUS: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  ACCESS_DENIED: 403,
  RESOURCE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  TOO_MANY_REQUESTS: 429,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  SERVER_ERROR: 500,
  UNAVAILABLE: 503,
};

export interface AppErrorOptions {
  /** The request field (parameter, property, header) at fault, when there is one. */
  field?: string;
  /** Seconds after which a retry may succeed (429, 503). */
  retryAfter?: number;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly field: string | undefined;
  readonly retryAfter: number | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.status = STATUS[code];
    this.field = options.field;
    this.retryAfter = options.retryAfter;
  }
}

/** A 400 naming the field and the form it accepts. */
export function badRequest(field: string, message: string): AppError {
  return new AppError('BAD_REQUEST', message, { field });
}

export function notFound(message: string): AppError {
  return new AppError('RESOURCE_NOT_FOUND', message);
}

/** "a, b or c" for the accepted-values part of a message. */
export function listAccepted(values: readonly string[]): string {
  if (values.length <= 1) return values.join('');
  return `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}

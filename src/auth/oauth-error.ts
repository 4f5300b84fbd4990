/**
 * Failures of the token endpoint, in RFC 6749 §5.2's terms: `{"error","error_description"}`.
 * `too_many_requests` is ours (RFC 6749 has no code for refusing brute force); it carries
 * `Retry-After`. The SDK maps each code back to a typed error.
 */
export const OAUTH_ERROR_STATUS = {
  invalid_request: 400,
  invalid_client: 401,
  unsupported_grant_type: 400,
  invalid_scope: 400,
  too_many_requests: 429,
  server_error: 500,
} as const;
export type OAuthErrorCode = keyof typeof OAUTH_ERROR_STATUS;

export interface OAuthErrorOptions {
  /** The client authenticated with HTTP Basic: a 401 then carries `WWW-Authenticate: Basic`. */
  basic?: boolean;
  /** Seconds before a retry may succeed (429). */
  retryAfter?: number;
}

export class OAuthError extends Error {
  readonly code: OAuthErrorCode;
  readonly status: number;
  readonly basic: boolean;
  readonly retryAfter: number | undefined;

  constructor(code: OAuthErrorCode, description: string, options: OAuthErrorOptions = {}) {
    super(description);
    this.name = 'OAuthError';
    this.code = code;
    this.status = OAUTH_ERROR_STATUS[code];
    this.basic = options.basic ?? false;
    this.retryAfter = options.retryAfter;
  }

  /** The response body. */
  toJSON(): { error: OAuthErrorCode; error_description: string } {
    return { error: this.code, error_description: this.message };
  }
}

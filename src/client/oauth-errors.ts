/**
 * The token endpoint's RFC 6749 error codes, each mapped back to a typed error — the mirror of the
 * server's `src/auth/oauth-error.ts`; a test pins every entry so the two cannot drift.
 */
import {
  AuthError,
  errorClassFor,
  RateLimitError,
  ServerError,
  ValidationError,
  type CuepointError,
} from './errors.js';

export const OAUTH_ERROR_CLASSES = {
  // RFC 6749 §5.2, the token endpoint's own codes.
  /** A parameter is missing or malformed: the SDK or its configuration sent a bad request. */
  invalid_request: ValidationError,
  /** Unknown client, wrong secret, revoked credential. */
  invalid_client: AuthError,
  invalid_grant: AuthError,
  /** The client may not use this grant type. */
  unauthorized_client: AuthError,
  unsupported_grant_type: ValidationError,
  /** A scope the credential does not hold: an access problem, as a 403 is. */
  invalid_scope: AuthError,
  // RFC 6749 §4.1.2.1, which some token services also send from the token endpoint.
  access_denied: AuthError,
  unsupported_response_type: ValidationError,
  server_error: ServerError,
  temporarily_unavailable: ServerError,
  // Cuepoint's (RFC 6749 has no code for it): repeated failures refused for a while, Retry-After.
  too_many_requests: RateLimitError,
} as const satisfies Record<string, typeof CuepointError>;

export type OAuthErrorCode = keyof typeof OAUTH_ERROR_CLASSES;

/** The class for a token endpoint failure: by its code when known, else by its HTTP status. */
export function oauthErrorClass(code: string | undefined, status: number): typeof CuepointError {
  if (code !== undefined && Object.hasOwn(OAUTH_ERROR_CLASSES, code)) {
    return OAUTH_ERROR_CLASSES[code as OAuthErrorCode];
  }
  return errorClassFor(status);
}

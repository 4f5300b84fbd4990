/** Who is calling, once a credential has been checked. */
import type { Scope } from '../domain/scopes.js';

export interface ReaderPrincipal {
  type: 'token' | 'reporting_key';
  /** client_id for a token, key_id for a reporting key. */
  id: string;
  accounts: string[];
  scopes: Scope[];
}

export interface WriterPrincipal {
  key_id: string;
  account_id: string;
  /** Allowed origins; empty means any. */
  origins: string[];
}

/** What the HTTP guard needs from the auth service. */
export interface Authenticator {
  /**
   * Checks a bearer token or reporting key from the request headers. Throws AppError UNAUTHORIZED
   * (missing, malformed, unknown, expired, revoked) or ACCESS_DENIED (unknown legacy
   * X-Hapyak-API-Key), never anything else.
   */
  reader(headers: {
    authorization?: string | undefined;
    hapyakKey?: string | undefined;
  }): Promise<ReaderPrincipal>;
  /** Checks a write key; throws AppError UNAUTHORIZED when unknown, revoked or malformed. */
  writer(key: string | undefined): Promise<WriterPrincipal>;
}

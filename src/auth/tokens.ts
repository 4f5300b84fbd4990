/**
 * Access tokens (auth.md §2): HS256 JWTs, short-lived, verifiable by any node holding the signing
 * key, so no session store is shared. A token names its client (`sub`, `client_id`), accounts,
 * scopes (`scope`, space-separated as RFC 9068 has it) and expiry (`exp`). Whether its credential
 * is still valid is not the token's business: the auth service checks the store per request.
 */
import { randomUUID } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { AppError } from '../domain/errors.js';
import { isScope, type Scope } from '../domain/scopes.js';

const ISSUER = 'cuepoint';
const ALGORITHM = 'HS256';

export interface TokenClaims {
  client_id: string;
  accounts: string[];
  scopes: Scope[];
  /** Expiry, seconds since the epoch. */
  exp: number;
}

export interface TokenSigner {
  sign(claims: Omit<TokenClaims, 'exp'>): Promise<string>;
  /** Throws AppError UNAUTHORIZED for a malformed, forged, foreign or expired token. */
  verify(token: string): Promise<TokenClaims>;
}

const payloadSchema = z.object({
  client_id: z.string().min(1),
  accounts: z.array(z.string()),
  scope: z.string(),
  exp: z.number(),
});

function unauthorized(message: string): AppError {
  return new AppError('UNAUTHORIZED', message, { field: 'authorization' });
}

/**
 * @param key the signing key, fetched once when first needed (configuration or the store).
 */
export function createTokenSigner(options: {
  ttlSeconds: number;
  key: () => Promise<Uint8Array>;
}): TokenSigner {
  let key: Promise<Uint8Array> | undefined;
  const signingKey = (): Promise<Uint8Array> => {
    if (key) return key;
    const loading = options.key();
    key = loading;
    // A failed read (disk, database) is retried by the next request rather than remembered.
    loading.catch(() => {
      if (key === loading) key = undefined;
    });
    return loading;
  };

  return {
    async sign(claims) {
      return (
        new SignJWT({
          client_id: claims.client_id,
          accounts: claims.accounts,
          scope: claims.scopes.join(' '),
        })
          .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
          .setIssuer(ISSUER)
          .setSubject(claims.client_id)
          .setJti(randomUUID())
          .setIssuedAt()
          // exp is in whole seconds: rounding up makes the token live at least the `expires_in` the
          // client is told (a relative "300s" would round down and could end almost a second early).
          .setExpirationTime(Math.ceil(Date.now() / 1000) + options.ttlSeconds)
          .sign(await signingKey())
      );
    },

    async verify(token) {
      let payload: unknown;
      try {
        ({ payload } = await jwtVerify(token, await signingKey(), {
          algorithms: [ALGORITHM],
          issuer: ISSUER,
          requiredClaims: ['exp', 'sub'],
        }));
      } catch (error) {
        if (error instanceof errors.JWTExpired) {
          throw unauthorized('the access token has expired; request a new one');
        }
        if (error instanceof errors.JOSEError) {
          throw unauthorized('the access token is not valid');
        }
        throw error;
      }
      const parsed = payloadSchema.safeParse(payload);
      if (!parsed.success) throw unauthorized('the access token is not valid');
      const scopes = parsed.data.scope.split(' ').filter(isScope);
      return {
        client_id: parsed.data.client_id,
        accounts: parsed.data.accounts,
        scopes,
        exp: parsed.data.exp,
      };
    },
  };
}

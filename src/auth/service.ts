/**
 * The auth service (auth.md): who is calling (reader: token or reporting key; writer: write key),
 * and the token endpoint. Every request checks its credential's state in the store through a
 * cache of at most a second, so a revocation applies at once; scrypt verifications are cached by
 * `VerifyCache` so that checking a key many times a second stays cheap.
 */
import type { Config } from '../config.js';
import { AppError } from '../domain/errors.js';
import type { Scope } from '../domain/scopes.js';
import type { ApiKey, ClientCredential, Store } from '../store/store.js';
import { VerifyCache } from './hashing.js';
import { looksLikeApiKey, parseApiKey, type ParsedKey } from './key-format.js';
import type { Authenticator, ReaderPrincipal, WriterPrincipal } from './principal.js';
import { StateCache } from './state-cache.js';
import {
  coversScope,
  createTokenEndpoint,
  type TokenRequest,
  type TokenResponse,
} from './token-endpoint.js';
import { createTokenSigner } from './tokens.js';

export type { TokenRequest, TokenResponse } from './token-endpoint.js';

/** What a reporting key may reach: every report and catalog read of its account (auth.md §3). */
const REPORTING_KEY_SCOPES: Scope[] = ['video-cloud/interactivity/read'];

export interface AuthService extends Authenticator {
  /** Signs a token for a stored credential without checking its secret (demo output, tests). */
  signToken(credential: {
    client_id: string;
    accounts: string[];
    scopes: Scope[];
  }): Promise<string>;
  /**
   * `POST /v4/access_token`: checks the client's credentials, narrows the scopes, refuses brute
   * force. Throws `OAuthError` (auth/oauth-error.ts) and nothing else a caller should show.
   */
  issueToken(request: TokenRequest): Promise<TokenResponse>;
  /**
   * Drops what this process remembers of a client or key, so that a revocation made here applies
   * to the very next request rather than within the second.
   */
  forget(id: string): void;
}

function unauthorized(message: string, field = 'authorization'): AppError {
  return new AppError('UNAUTHORIZED', message, { field });
}

export function createAuthService(store: Store, config: Config): AuthService {
  const verifier = new VerifyCache();
  const clients = new StateCache<ClientCredential | null>((id) => store.credentials.getClient(id));
  const keys = new StateCache<ApiKey | null>((id) => store.credentials.getKey(id));
  const signer = createTokenSigner({
    ttlSeconds: config.tokenTtlSeconds,
    key: async () =>
      config.tokenSecret !== undefined
        ? new TextEncoder().encode(config.tokenSecret)
        : store.secrets.signingSecret(),
  });
  const issueToken = createTokenEndpoint({
    credentials: store.credentials,
    counters: store.counters,
    verifier,
    sign: (claims) => signer.sign(claims),
    ttlSeconds: config.tokenTtlSeconds,
    clientLimit: config.bruteForceClientLimit,
    addressLimit: config.bruteForceAddressLimit,
    windowSeconds: config.bruteForceWindowSeconds,
  });

  /** The stored, live key of that type whose hash matches; null otherwise. */
  async function liveKey(parsed: ParsedKey): Promise<ApiKey | null> {
    const key = await keys.get(parsed.keyId);
    if (!key || key.revoked || key.type !== parsed.type) return null;
    return (await verifier.verify(parsed.secret, key.key_hash)) ? key : null;
  }

  async function reportingKey(parsed: ParsedKey | null): Promise<ReaderPrincipal | null> {
    const key = parsed?.type === 'reporting' ? await liveKey(parsed) : null;
    if (!key) return null;
    return {
      type: 'reporting_key',
      id: key.key_id,
      accounts: [key.account_id],
      scopes: [...REPORTING_KEY_SCOPES],
    };
  }

  async function tokenPrincipal(token: string): Promise<ReaderPrincipal> {
    const claims = await signer.verify(token);
    const client = await clients.get(claims.client_id);
    if (!client || client.revoked) {
      throw unauthorized("the access token's credential has been revoked");
    }
    // The credential's grants bound the token's, should they ever be narrowed after issue.
    return {
      type: 'token',
      id: client.client_id,
      accounts: claims.accounts.filter((a) => client.accounts.includes(a)),
      scopes: claims.scopes.filter((s) => coversScope(client.scopes, s)),
    };
  }

  async function bearer(value: string): Promise<ReaderPrincipal> {
    if (!looksLikeApiKey(value)) return tokenPrincipal(value);
    const parsed = parseApiKey(value);
    if (parsed?.type === 'write') {
      throw unauthorized('a write key cannot read; use an access token or a reporting API key');
    }
    const principal = await reportingKey(parsed);
    if (!principal) throw unauthorized('the reporting API key is unknown or revoked');
    return principal;
  }

  return {
    async reader({ authorization, hapyakKey }) {
      if (authorization) {
        const match = /^Bearer +(\S+) *$/i.exec(authorization);
        if (!match?.[1]) {
          throw unauthorized(
            'the Authorization header must be "Bearer " followed by an access token or a reporting API key',
          );
        }
        return bearer(match[1]);
      }
      if (hapyakKey) {
        // Brightcove documented 403 for a bad legacy key; revoked and malformed ones look the same
        // from outside, so that no answer tells whether a key ID ever existed.
        const principal = await reportingKey(parseApiKey(hapyakKey.trim()));
        if (!principal) {
          throw new AppError('ACCESS_DENIED', 'the X-Hapyak-API-Key is not a valid API key', {
            field: 'x-hapyak-api-key',
          });
        }
        return principal;
      }
      throw unauthorized(
        'a credential is required: Authorization: Bearer <access token or reporting API key>, or X-Hapyak-API-Key',
      );
    },

    async writer(value): Promise<WriterPrincipal> {
      const field = 'x-cuepoint-key';
      if (!value) {
        throw unauthorized(
          'a write key is required, in the X-Cuepoint-Key header or the key query parameter',
          field,
        );
      }
      const parsed = parseApiKey(value.trim());
      const key = parsed?.type === 'write' ? await liveKey(parsed) : null;
      if (!key) throw unauthorized('the write key is unknown, revoked or malformed', field);
      return { key_id: key.key_id, account_id: key.account_id, origins: [...key.origins] };
    },

    signToken: (credential) => signer.sign(credential),
    issueToken,
    forget(id) {
      clients.forget(id);
      keys.forget(id);
    },
  };
}

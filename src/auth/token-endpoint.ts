/**
 * The rules of the token endpoint (auth.md §2): OAuth 2 client credentials, scope narrowing, and
 * refusal of brute force. Failed authentications are counted per client_id and, with a higher
 * threshold, per address; past half the limit each failure is answered more slowly, at the limit
 * every request (right or wrong) is refused with 429 until the window has moved on.
 */
import { listAccepted } from '../domain/errors.js';
import { grants, isScope, NEEDS, SCOPES, type Need, type Scope } from '../domain/scopes.js';
import type { CounterStore, CredentialStore } from '../store/store.js';
import type { VerifyCache } from './hashing.js';
import { OAuthError } from './oauth-error.js';

export interface TokenRequest {
  grantType: string | undefined;
  clientId: string | undefined;
  clientSecret: string | undefined;
  /** Space-separated scopes, or undefined for all of the credential's. */
  scope: string | undefined;
  /** The credentials came in `Authorization: Basic`. */
  basic: boolean;
  /** The caller's address, for brute-force counting. */
  address: string;
}

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

export interface TokenEndpointDeps {
  credentials: Pick<CredentialStore, 'getClient'>;
  counters: CounterStore;
  verifier: VerifyCache;
  sign(claims: { client_id: string; accounts: string[]; scopes: Scope[] }): Promise<string>;
  ttlSeconds: number;
  clientLimit: number;
  addressLimit: number;
  windowSeconds: number;
  /** Waits before answering a failure (injectable so tests need not sleep). */
  delay?: (ms: number) => Promise<void>;
}

/** A client_id longer than this is not ours; it is not counted by name, to bound memory. */
const MAX_CLIENT_ID = 128;
const MAX_DELAY_MS = 2000;

const ALL_NEEDS = Object.keys(NEEDS) as Need[];

/**
 * Whether a credential holding `held` may ask for `wanted`: it holds it, or it holds scopes that
 * reach everything `wanted` reaches (`…/interactivity/all` may be narrowed to `…/read`).
 */
export function coversScope(held: readonly Scope[], wanted: Scope): boolean {
  if (held.includes(wanted)) return true;
  const reach = ALL_NEEDS.filter((need) => grants([wanted], need));
  return reach.every((need) => grants(held, need));
}

function requestedScopes(scope: string | undefined, held: readonly Scope[]): Scope[] {
  const names = [...new Set((scope ?? '').split(' ').filter((s) => s !== ''))];
  if (names.length === 0) return [...held];
  const wanted: Scope[] = [];
  for (const name of names) {
    if (!isScope(name)) {
      throw new OAuthError(
        'invalid_scope',
        `scope "${name}" is unknown; accepted: ${listAccepted(SCOPES)}`,
      );
    }
    if (!coversScope(held, name)) {
      throw new OAuthError('invalid_scope', `this credential does not have the scope ${name}`);
    }
    wanted.push(name);
  }
  return wanted;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createTokenEndpoint(
  deps: TokenEndpointDeps,
): (r: TokenRequest) => Promise<TokenResponse> {
  const windowMs = deps.windowSeconds * 1000;
  const delay = deps.delay ?? sleep;
  const clientKey = (id: string) => `token-failure:client:${id}`;
  const addressKey = (address: string) => `token-failure:address:${address}`;

  async function refuseIfBlocked(clientId: string, address: string): Promise<void> {
    const [byClient, byAddress] = await Promise.all([
      clientId.length <= MAX_CLIENT_ID ? deps.counters.count(clientKey(clientId), windowMs) : 0,
      deps.counters.count(addressKey(address), windowMs),
    ]);
    if (byClient >= deps.clientLimit || byAddress >= deps.addressLimit) {
      throw new OAuthError(
        'too_many_requests',
        `too many failed attempts; try again in ${deps.windowSeconds} seconds`,
        { retryAfter: deps.windowSeconds },
      );
    }
  }

  async function recordFailure(clientId: string, address: string, basic: boolean): Promise<never> {
    const [byClient] = await Promise.all([
      clientId.length <= MAX_CLIENT_ID ? deps.counters.hit(clientKey(clientId), windowMs) : 0,
      deps.counters.hit(addressKey(address), windowMs),
    ]);
    const free = Math.floor(deps.clientLimit / 2);
    if (byClient > free) await delay(Math.min(MAX_DELAY_MS, 250 * (byClient - free)));
    throw new OAuthError('invalid_client', 'client authentication failed', { basic });
  }

  return async (request) => {
    if (!request.grantType) {
      throw new OAuthError(
        'invalid_request',
        'grant_type is missing; send grant_type=client_credentials',
      );
    }
    if (request.grantType !== 'client_credentials') {
      throw new OAuthError(
        'unsupported_grant_type',
        'grant_type must be client_credentials, the only grant supported',
      );
    }
    const how = 'HTTP Basic authentication, or client_id and client_secret parameters';
    if (!request.clientId) {
      throw new OAuthError('invalid_request', `client_id is missing; send ${how}`);
    }
    if (!request.clientSecret) {
      throw new OAuthError('invalid_request', `client_secret is missing; send ${how}`);
    }
    const { clientId, clientSecret, address, basic } = request;
    await refuseIfBlocked(clientId, address);

    const client =
      clientId.length <= MAX_CLIENT_ID ? await deps.credentials.getClient(clientId) : null;
    // Verified even for an unknown client (against a dummy), so timing does not reveal which exist.
    const verified = client
      ? await deps.verifier.verify(clientSecret, client.secret_hash)
      : await deps.verifier.verify(clientSecret, '');
    if (!client || client.revoked || !verified) return recordFailure(clientId, address, basic);

    const scopes = requestedScopes(request.scope, client.scopes);
    const access_token = await deps.sign({
      client_id: client.client_id,
      accounts: client.accounts,
      scopes,
    });
    return { access_token, token_type: 'Bearer', expires_in: deps.ttlSeconds };
  };
}

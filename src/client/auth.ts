/**
 * Credentials: OAuth 2 client credentials (a token fetched, cached, refreshed before it expires
 * and after a 401) or a reporting API key (sent as is, nothing to refresh).
 */
import { withCall, type Call } from './call.js';
import { ServerError } from './errors.js';
import { oauthErrorClass } from './oauth-errors.js';
import { send, type Auth, type TransportOptions } from './transport.js';
import type { AccessToken } from './types.js';

/** Brightcove's tokens live 300 s; assumed when a token service does not say. */
const DEFAULT_EXPIRES_IN = 300;
/** Time for fetching a token, shared by every call waiting for it. */
const TOKEN_TIMEOUT_MS = 60_000;

export interface TokenSourceOptions {
  transport: TransportOptions;
  tokenUrl: URL;
  clientId: string;
  clientSecret: string;
  /** Space-separated scopes to narrow the token to. */
  scope: string | undefined;
}

interface TokenBody {
  access_token: string;
  token_type?: unknown;
  expires_in?: unknown;
}

function isTokenBody(value: unknown): value is TokenBody {
  if (typeof value !== 'object' || value === null) return false;
  const token: unknown = Reflect.get(value, 'access_token');
  return typeof token === 'string' && token !== '';
}

/** Resolves with `promise`, or rejects as soon as `signal` aborts (without cancelling `promise`). */
function raced<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** The token request in flight, shared by every call that needs a token meanwhile. */
interface SharedRequest {
  promise: Promise<AccessToken>;
  controller: AbortController;
  waiters: number;
}

export class TokenSource implements Auth {
  private cached: { token: string; refreshAt: number } | undefined;
  private shared: SharedRequest | undefined;

  constructor(private readonly options: TokenSourceOptions) {}

  /**
   * A new token from the token endpoint (what `cuepoint token` prints); it is cached too. One
   * request however many calls need a token at once; each waits under its own signal, and the
   * request is cancelled when the last of them gives up, so nothing is left running.
   */
  async fetchToken(signal: AbortSignal): Promise<AccessToken> {
    // A request its last waiter abandoned is not joined, even before it has settled.
    if (!this.shared || this.shared.controller.signal.aborted) this.shared = this.start();
    const shared = this.shared;
    shared.waiters++;
    try {
      return await raced(shared.promise, signal);
    } finally {
      if (--shared.waiters === 0 && signal.aborted) shared.controller.abort(signal.reason);
    }
  }

  async headers(call: Call): Promise<Record<string, string>> {
    const cached = this.cached;
    if (cached && Date.now() < cached.refreshAt) return { authorization: `Bearer ${cached.token}` };
    const { access_token } = await this.fetchToken(call.signal);
    return { authorization: `Bearer ${access_token}` };
  }

  invalidate(): boolean {
    this.cached = undefined;
    return true;
  }

  private start(): SharedRequest {
    const controller = new AbortController();
    const promise = this.request(controller.signal).finally(() => {
      if (this.shared?.promise === promise) this.shared = undefined;
    });
    // Its waiters handle its failure; with none left (all gave up), nobody needs to hear of it.
    promise.catch(() => undefined);
    return { promise, controller, waiters: 0 };
  }

  private async request(signal: AbortSignal): Promise<AccessToken> {
    const { clientId, clientSecret, scope, tokenUrl, transport } = this.options;
    // As Brightcove documents it: `curl --user id:secret --data grant_type=client_credentials`.
    const basic = Buffer.from(`${clientId}:${clientSecret}`).toString('base64');
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (scope !== undefined) form.set('scope', scope);
    return withCall({ signal }, TOKEN_TIMEOUT_MS, async (call) => {
      const response = await send(transport, {
        url: tokenUrl,
        method: 'POST',
        headers: {
          authorization: `Basic ${basic}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: form.toString(),
        call,
        classify: (status, code) => oauthErrorClass(code, status),
      });
      const body: unknown = await response.json().catch(() => undefined);
      if (!isTokenBody(body)) {
        throw new ServerError(
          `the token endpoint ${tokenUrl.href} answered without an access_token`,
          {
            status: response.status,
            code: 'BAD_TOKEN_RESPONSE',
            url: tokenUrl.href,
          },
        );
      }
      const expiresIn = Number(body.expires_in) > 0 ? Number(body.expires_in) : DEFAULT_EXPIRES_IN;
      // Refreshed ahead of expiry by a fifth of its life, at most 30 s: a request never leaves
      // with a token that dies on the way, and a 1-second test token still gets used.
      const margin = Math.min(30_000, expiresIn * 200);
      this.cached = { token: body.access_token, refreshAt: Date.now() + expiresIn * 1000 - margin };
      return {
        access_token: body.access_token,
        token_type: typeof body.token_type === 'string' ? body.token_type : 'Bearer',
        expires_in: expiresIn,
      };
    });
  }
}

/** A reporting API key, in the header Brightcove (HapYak) documented for it. */
export function apiKeyAuth(apiKey: string): Auth {
  return {
    headers: async () => ({ 'x-hapyak-api-key': apiKey }),
    invalidate: () => false,
  };
}

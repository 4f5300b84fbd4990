/**
 * The public Cuepoint API as the Studio uses it (auth.md §2–3, catalog.md, reporting-api.md). The
 * credential and the access token live in a `Session` object, in memory only: nothing is written
 * to localStorage, sessionStorage or cookies, so closing the tab signs out.
 *
 * With a client credential the session asks POST /v4/access_token for a token, renews it shortly
 * before it expires and, should the server still answer 401 (a token expired in between, a
 * restarted server with a new signing key), renews it once and repeats the request. A reporting
 * key is sent as `X-Hapyak-API-Key` and has nothing to renew.
 */

export type Credential =
  { kind: 'client'; clientId: string; clientSecret: string } | { kind: 'key'; key: string };

/** GET /v1/me (auth.md §3). */
export interface Me {
  type: 'token' | 'reporting_key';
  accounts: string[];
  scopes: string[];
}

/** How a failure is shown: each kind has its own message and, for some, its own way out. */
export type ApiErrorKind =
  | 'signed-out'
  | 'forbidden'
  | 'bad-request'
  | 'not-found'
  | 'rate-limited'
  | 'server'
  | 'unavailable'
  | 'network';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly kind: ApiErrorKind,
    message: string,
    readonly status = 0,
    /** Seconds, from `Retry-After` (429, 503). */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

/**
 * The message in any of the server's three error bodies: the gateway's
 * `[{"error_code","message"}]`, the catalog and analytics `{"result": "…"}` or
 * `{"result":{"message"}}`, and the token endpoint's `{"error","error_description"}`.
 */
export function messageOf(body: unknown): string | undefined {
  if (Array.isArray(body)) {
    const first: unknown = body[0];
    return messageOf(first);
  }
  if (typeof body !== 'object' || body === null) return undefined;
  const o = body as Record<string, unknown>;
  if (typeof o.message === 'string') return o.message;
  if (typeof o.result === 'string') return o.result;
  if (typeof o.result === 'object' && o.result !== null) return messageOf(o.result);
  if (typeof o.error_description === 'string') return o.error_description;
  if (typeof o.error === 'string') return o.error;
  return undefined;
}

/** `Retry-After` in seconds (a number or an HTTP date), or undefined. */
export function retryAfterOf(response: Response): number | undefined {
  const value = response.headers.get('Retry-After');
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

const KIND_BY_STATUS: Record<number, ApiErrorKind> = {
  400: 'bad-request',
  401: 'signed-out',
  403: 'forbidden',
  404: 'not-found',
  429: 'rate-limited',
  503: 'unavailable',
};

/** Turns a failed response into an ApiError carrying the server's own message. */
export async function errorFrom(response: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const kind = KIND_BY_STATUS[response.status] ?? 'server';
  const message =
    messageOf(body) ?? `the server answered ${response.status} ${response.statusText}`.trim();
  return new ApiError(kind, message, response.status, retryAfterOf(response));
}

/**
 * Renew a token this long before it expires (at most half its lifetime), so that a request never
 * carries one about to lapse; plus a second, as a token's expiry counts in whole seconds.
 */
const RENEW_MARGIN_MS = 30_000;
const CLOCK_GRAIN_MS = 1_000;

interface Token {
  value: string;
  /** When to ask for the next one. */
  renewAt: number;
}

export interface RequestOptions {
  signal?: AbortSignal | undefined;
}

export class Session {
  readonly #credential: Credential;
  #token: Token | undefined;
  #renewing: Promise<Token> | undefined;

  private constructor(credential: Credential) {
    this.#credential = credential;
  }

  /** Checks the credential (a token for a client credential, then GET /v1/me). */
  static async signIn(credential: Credential): Promise<{ session: Session; me: Me }> {
    const session = new Session(credential);
    if (credential.kind === 'client') await session.#renew();
    const me = await session.json<Me>('/v1/me');
    return { session, me };
  }

  get kind(): Credential['kind'] {
    return this.#credential.kind;
  }

  async #requestToken(): Promise<Token> {
    if (this.#credential.kind !== 'client') throw new Error('a reporting key has no token');
    const { clientId, clientSecret } = this.#credential;
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
    });
    const response = await send('/v4/access_token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body,
      cache: 'no-store',
    });
    if (!response.ok) {
      const error = await errorFrom(response);
      // The token endpoint's 400/401 (invalid_client…) all mean: these credentials do not work.
      if (response.status === 400 || response.status === 401) {
        throw new ApiError('signed-out', `Sign-in refused: ${error.message}`, response.status);
      }
      throw error;
    }
    const token = (await response.json()) as { access_token: string; expires_in: number };
    const lifetime = token.expires_in * 1000;
    return {
      value: token.access_token,
      renewAt: Date.now() + lifetime - Math.min(RENEW_MARGIN_MS, lifetime / 2) - CLOCK_GRAIN_MS,
    };
  }

  /** One renewal at a time: requests that find the token expiring share it. */
  #renew(): Promise<Token> {
    this.#renewing ??= this.#requestToken()
      .then((token) => (this.#token = token))
      .finally(() => (this.#renewing = undefined));
    return this.#renewing;
  }

  async #headers(): Promise<Record<string, string>> {
    if (this.#credential.kind === 'key') return { 'X-Hapyak-API-Key': this.#credential.key };
    let token = this.#token;
    if (!token || token.renewAt <= Date.now()) token = await this.#renew();
    return { Authorization: `Bearer ${token.value}` };
  }

  /** GET with the credential; a 401 with a client credential renews the token and tries once more. */
  async get(path: string, options: RequestOptions = {}): Promise<Response> {
    const attempt = async () =>
      send(path, { headers: await this.#headers(), signal: options.signal, cache: 'no-store' });
    let response = await attempt();
    if (response.status === 401 && this.#credential.kind === 'client') {
      await response.body?.cancel();
      this.#token = undefined;
      response = await attempt();
    }
    return response;
  }

  /** GET a JSON document; any status but 2xx becomes an ApiError. */
  async json<T>(path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.get(path, options);
    if (!response.ok) throw await this.failure(response);
    return (await response.json()) as T;
  }

  /**
   * The ApiError of a failed response. A reporting key reaches every report of its account, so a
   * 403 means the key itself is no longer known (auth.md §3): the session is over.
   */
  async failure(response: Response): Promise<ApiError> {
    const error = await errorFrom(response);
    if (this.#credential.kind === 'key' && response.status === 403) {
      return new ApiError('signed-out', error.message, 403);
    }
    return error;
  }
}

/** fetch, with a failure to reach the server (not an abort) turned into an ApiError. */
async function send(path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(path, init);
  } catch (error) {
    if (init.signal?.aborted) throw error;
    throw new ApiError('network', 'The server cannot be reached: check the connection and retry.');
  }
}

export const isAbort = (error: unknown): boolean =>
  error instanceof DOMException && error.name === 'AbortError';

/** Every page of a catalog list, sorted by title (catalog.md: at most 100 a page). */
export async function catalogList(
  session: Session,
  accountId: string,
  what: 'projects' | 'experiences',
  options: RequestOptions & { maxPages?: number } = {},
): Promise<{ id: string; title: string | null }[]> {
  const pageSize = 100;
  const items: { id: string; title: string | null }[] = [];
  for (let page = 1; page <= (options.maxPages ?? 50); page++) {
    const query = new URLSearchParams({
      page: String(page),
      pageSize: String(pageSize),
      sort_by: 'title',
      order_by: 'asc',
    });
    const body = await session.json<{ result: { items: { id: string; title?: string | null }[] } }>(
      `/v1/accounts/${encodeURIComponent(accountId)}/${what}?${query}`,
      options,
    );
    for (const item of body.result.items) items.push({ id: item.id, title: item.title ?? null });
    if (body.result.items.length < pageSize) break;
  }
  return items;
}

/** A small client for the catalog routes of one account, as the catalog tests use it. */
import type { Scope } from '../../src/domain/scopes.js';
import { tokenFor } from './accounts.js';
import { send, type Sent } from './http.js';
import type { TestServer } from './server.js';

export interface CatalogClient {
  get(path: string): Promise<Sent>;
  post(path: string, body: unknown): Promise<Sent>;
  patch(path: string, body: unknown): Promise<Sent>;
  delete(path: string): Promise<Sent>;
}

/** Requests to `/v1/accounts/{accountId}/{path}` with `token` (none when undefined). */
export function catalogClient(
  server: TestServer,
  accountId: string,
  token: string | undefined,
): CatalogClient {
  const call = (method: string, path: string, body?: unknown) =>
    send(`${server.url}/v1/accounts/${accountId}/${path}`, {
      method,
      headers: {
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined
        ? {}
        : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  return {
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body),
    patch: (path, body) => call('PATCH', path, body),
    delete: (path) => call('DELETE', path),
  };
}

/** A token for a new credential on existing accounts, with the given scopes. */
export async function tokenWith(
  server: TestServer,
  accounts: string[],
  scopes: Scope[],
): Promise<string> {
  const credential = await server.admin.createCredential({ accounts, scopes });
  return tokenFor(server, credential.client_id, credential.client_secret);
}

/** An ISO-8601 UTC timestamp with milliseconds, as the catalog writes them. */
export const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** Test setup through the real admin operations and the real token endpoint. */
import type { RateLimits } from '../../src/store/store.js';
import type { TestServer } from './server.js';

export interface TestAccount {
  accountId: string;
  token: string;
  writeKey: string;
  clientId: string;
  clientSecret: string;
}

export async function tokenFor(
  server: TestServer,
  clientId: string,
  clientSecret: string,
): Promise<string> {
  const res = await fetch(`${server.url}/v4/access_token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** An account with a read credential (and its token) and a write key. */
export async function setupAccount(
  server: TestServer,
  id: string,
  options: {
    limits?: RateLimits;
    scopes?: (
      | 'video-cloud/interactivity/read'
      | 'video-cloud/interactivity/all'
      | 'video-cloud/analytics/read'
    )[];
  } = {},
): Promise<TestAccount> {
  await server.admin.createAccount({ id, ...(options.limits ? { limits: options.limits } : {}) });
  const credential = await server.admin.createCredential({
    accounts: [id],
    scopes: options.scopes ?? ['video-cloud/interactivity/all'],
  });
  const { key } = await server.admin.createKey({ account: id, type: 'write' });
  return {
    accountId: id,
    token: await tokenFor(server, credential.client_id, credential.client_secret),
    writeKey: key,
    clientId: credential.client_id,
    clientSecret: credential.client_secret,
  };
}

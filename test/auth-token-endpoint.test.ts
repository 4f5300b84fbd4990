/**
 * POST /v4/access_token (and /v3) over real HTTP: every way a client sends its credentials, every
 * OAuth error with its body and headers, scope narrowing, and refusal of brute force.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import type { CredentialJson } from '../src/admin/admin.js';
import { send, type Sent } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const READ = 'video-cloud/interactivity/read';
const ALL = 'video-cloud/interactivity/all';
const ANALYTICS = 'video-cloud/analytics/read';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

function token(
  base: string,
  init: { body?: string; headers?: Record<string, string>; query?: string; path?: string } = {},
): Promise<Sent> {
  return send(`${base}${init.path ?? '/v4/access_token'}${init.query ?? ''}`, {
    method: 'POST',
    headers: init.headers ?? {},
    ...(init.body !== undefined && { body: init.body }),
  });
}

function assertToken(res: Sent, ttl = 300): string {
  assert.equal(res.status, 200, res.text);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  const body = res.body as Record<string, unknown>;
  assert.deepEqual(Object.keys(body), ['access_token', 'token_type', 'expires_in']);
  assert.equal(body.token_type, 'Bearer');
  assert.equal(body.expires_in, ttl);
  assert.equal(typeof body.access_token, 'string');
  return body.access_token as string;
}

function assertOAuthError(res: Sent, status: number, error: string, description?: RegExp): void {
  assert.equal(res.status, status, res.text);
  const body = res.body as { error: string; error_description: string };
  assert.deepEqual(Object.keys(body), ['error', 'error_description']);
  assert.equal(body.error, error);
  if (description) assert.match(body.error_description, description);
  assert.equal(res.headers.get('cache-control'), 'no-store');
}

describe('token endpoint', () => {
  let server: TestServer;
  let cred: CredentialJson;
  let wide: CredentialJson;

  before(async () => {
    server = await startTestServer();
    await server.admin.createAccount({ id: 'a1' });
    await server.admin.createAccount({ id: 'a2' });
    cred = await server.admin.createCredential({ accounts: ['a1'] });
    wide = await server.admin.createCredential({
      accounts: ['a1', 'a2'],
      scopes: [ALL, ANALYTICS],
    });
  });
  after(() => server.stop());

  it('issues a token for HTTP Basic and a form body, as curl --user … --data sends them', async () => {
    const res = await token(server.url, {
      headers: { ...FORM, authorization: basic(cred.client_id, cred.client_secret) },
      body: 'grant_type=client_credentials',
    });
    const claims = decodeJwt(assertToken(res));
    assert.equal(claims.client_id, cred.client_id);
    assert.equal(claims.sub, cred.client_id);
    assert.deepEqual(claims.accounts, ['a1']);
    assert.equal(claims.scope, READ);
    // Whole seconds, rounded up: at least the 300 s announced in expires_in.
    assert.ok([300, 301].includes((claims.exp ?? 0) - (claims.iat ?? 0)));
    assert.equal(res.headers.get('pragma'), 'no-cache');
  });

  it('takes the credentials from the form body', async () => {
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: cred.client_id,
      client_secret: cred.client_secret,
    }).toString();
    assertToken(await token(server.url, { headers: FORM, body }));
  });

  it('takes everything from a JSON body', async () => {
    const body = JSON.stringify({
      grant_type: 'client_credentials',
      client_id: cred.client_id,
      client_secret: cred.client_secret,
    });
    assertToken(await token(server.url, { headers: { 'content-type': 'application/json' }, body }));
  });

  it('takes everything from the query string, with no body', async () => {
    const query = `?${new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: cred.client_id,
      client_secret: cred.client_secret,
    })}`;
    assertToken(await token(server.url, { query }));
  });

  it('takes grant_type from the query string with HTTP Basic, on /v3 too', async () => {
    assertToken(
      await token(server.url, {
        path: '/v3/access_token',
        query: '?grant_type=client_credentials',
        headers: { authorization: basic(cred.client_id, cred.client_secret) },
      }),
    );
  });

  it('accepts client_id beside Basic when it names the same client', async () => {
    assertToken(
      await token(server.url, {
        headers: { ...FORM, authorization: basic(cred.client_id, cred.client_secret) },
        body: `grant_type=client_credentials&client_id=${cred.client_id}`,
      }),
    );
  });

  it('answers invalid_request naming a missing grant_type, client_id or client_secret', async () => {
    assertOAuthError(
      await token(server.url, {
        headers: { ...FORM, authorization: basic(cred.client_id, cred.client_secret) },
        body: '',
      }),
      400,
      'invalid_request',
      /grant_type is missing/,
    );
    assertOAuthError(
      await token(server.url, { headers: FORM, body: 'grant_type=client_credentials' }),
      400,
      'invalid_request',
      /client_id is missing/,
    );
    assertOAuthError(
      await token(server.url, {
        headers: FORM,
        body: `grant_type=client_credentials&client_id=${cred.client_id}`,
      }),
      400,
      'invalid_request',
      /client_secret is missing/,
    );
  });

  it('answers unsupported_grant_type for another grant', async () => {
    assertOAuthError(
      await token(server.url, {
        headers: { ...FORM, authorization: basic(cred.client_id, cred.client_secret) },
        body: 'grant_type=password',
      }),
      400,
      'unsupported_grant_type',
      /client_credentials/,
    );
  });

  it('answers invalid_request for a parameter given twice or two ways of authenticating', async () => {
    assertOAuthError(
      await token(server.url, {
        headers: FORM,
        body: 'grant_type=client_credentials&grant_type=password',
      }),
      400,
      'invalid_request',
      /grant_type is given more than once/,
    );
    assertOAuthError(
      await token(server.url, {
        headers: { ...FORM, authorization: basic(cred.client_id, cred.client_secret) },
        body: `grant_type=client_credentials&client_secret=${cred.client_secret}`,
      }),
      400,
      'invalid_request',
      /one way/,
    );
  });

  it('answers invalid_request, in the OAuth body, for a body it cannot read', async () => {
    assertOAuthError(
      await token(server.url, { headers: { 'content-type': 'application/json' }, body: '{"a":' }),
      400,
      'invalid_request',
    );
    assertOAuthError(
      await token(server.url, { headers: { 'content-type': 'application/xml' }, body: '<a/>' }),
      400,
      'invalid_request',
      /x-www-form-urlencoded or application\/json/,
    );
    assertOAuthError(
      await token(server.url, {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grant_type: 42 }),
      }),
      400,
      'invalid_request',
      /grant_type must be a string/,
    );
  });

  it('answers invalid_client 401 with WWW-Authenticate: Basic when Basic was used', async () => {
    const res = await token(server.url, {
      headers: { ...FORM, authorization: basic(cred.client_id, 'wrong') },
      body: 'grant_type=client_credentials',
    });
    assertOAuthError(res, 401, 'invalid_client', /client authentication failed/);
    assert.match(res.headers.get('www-authenticate') ?? '', /^Basic /);
    assert.ok(!res.text.includes('wrong'));
  });

  it('answers invalid_client without a challenge when the body carried the credentials', async () => {
    for (const id of [cred.client_id, 'unknown-client']) {
      const res = await token(server.url, {
        headers: FORM,
        body: `grant_type=client_credentials&client_id=${id}&client_secret=nope`,
      });
      assertOAuthError(res, 401, 'invalid_client', /client authentication failed/);
      assert.equal(res.headers.get('www-authenticate'), null);
    }
  });

  it('answers invalid_client for a malformed Basic header', async () => {
    const res = await token(server.url, {
      headers: { ...FORM, authorization: 'Basic bm9jb2xvbg==' },
      body: 'grant_type=client_credentials',
    });
    assertOAuthError(res, 401, 'invalid_client', /Basic/);
    assert.match(res.headers.get('www-authenticate') ?? '', /^Basic /);
  });

  it('narrows the token to the scopes asked for', async () => {
    const res = await token(server.url, {
      headers: { ...FORM, authorization: basic(wide.client_id, wide.client_secret) },
      body: `grant_type=client_credentials&scope=${encodeURIComponent(ANALYTICS)}`,
    });
    const narrowed = assertToken(res);
    assert.equal(decodeJwt(narrowed).scope, ANALYTICS);
    const me = await send(`${server.url}/v1/me`, {
      headers: { authorization: `Bearer ${narrowed}` },
    });
    assert.deepEqual(me.body, { type: 'token', accounts: ['a1', 'a2'], scopes: [ANALYTICS] });

    // …/all reaches everything …/read does, so it may be narrowed to it.
    const toRead = await token(server.url, {
      headers: { ...FORM, authorization: basic(wide.client_id, wide.client_secret) },
      body: `grant_type=client_credentials&scope=${encodeURIComponent(`${READ} ${ANALYTICS}`)}`,
    });
    assert.equal(decodeJwt(assertToken(toRead)).scope, `${READ} ${ANALYTICS}`);

    const all = await token(server.url, {
      headers: { ...FORM, authorization: basic(wide.client_id, wide.client_secret) },
      body: 'grant_type=client_credentials',
    });
    assert.equal(decodeJwt(assertToken(all)).scope, `${ALL} ${ANALYTICS}`);
  });

  it('answers invalid_scope for a scope the credential lacks or that does not exist', async () => {
    assertOAuthError(
      await token(server.url, {
        headers: { ...FORM, authorization: basic(cred.client_id, cred.client_secret) },
        body: `grant_type=client_credentials&scope=${encodeURIComponent(ALL)}`,
      }),
      400,
      'invalid_scope',
      /does not have the scope video-cloud\/interactivity\/all/,
    );
    assertOAuthError(
      await token(server.url, {
        headers: { ...FORM, authorization: basic(cred.client_id, cred.client_secret) },
        body: 'grant_type=client_credentials&scope=admin',
      }),
      400,
      'invalid_scope',
      /"admin" is unknown; accepted: /,
    );
  });

  it('answers invalid_client for a revoked credential', async () => {
    const gone = await server.admin.createCredential({ accounts: ['a1'] });
    await server.admin.revokeCredential(gone.client_id);
    assertOAuthError(
      await token(server.url, {
        headers: { ...FORM, authorization: basic(gone.client_id, gone.client_secret) },
        body: 'grant_type=client_credentials',
      }),
      401,
      'invalid_client',
    );
  });

  it('is described in /openapi.json', async () => {
    const doc = (await send(`${server.url}/openapi.json`)).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    assert.ok(doc.paths['/v4/access_token']?.post);
    assert.ok(doc.paths['/v3/access_token']?.post);
    assert.ok(doc.paths['/v1/me']?.get);
  });
});

describe('token endpoint: brute force', () => {
  let server: TestServer;
  let cred: CredentialJson;
  let other: CredentialJson;

  before(async () => {
    server = await startTestServer({
      bruteForceClientLimit: 3,
      bruteForceAddressLimit: 6,
      bruteForceWindowSeconds: 120,
    });
    await server.admin.createAccount({ id: 'a1' });
    cred = await server.admin.createCredential({ accounts: ['a1'] });
    other = await server.admin.createCredential({ accounts: ['a1'] });
  });
  after(() => server.stop());

  const attempt = (id: string, secret: string) =>
    token(server.url, {
      headers: { ...FORM, authorization: basic(id, secret) },
      body: 'grant_type=client_credentials',
    });

  it('refuses a client_id with 429 and Retry-After after repeated failures, even the right secret', async () => {
    for (let i = 0; i < 3; i++)
      assertOAuthError(await attempt(cred.client_id, 'guess'), 401, 'invalid_client');
    for (const secret of ['guess', cred.client_secret]) {
      const res = await attempt(cred.client_id, secret);
      assertOAuthError(res, 429, 'too_many_requests', /try again in 120 seconds/);
      assert.equal(res.headers.get('retry-after'), '120');
    }
    // Another client from the same address is not refused for it.
    assertToken(await attempt(other.client_id, other.client_secret));
  });

  it('refuses an address after more failures, whichever client_id it tries', async () => {
    // 3 failures counted above; 3 more, each for a new client_id, reach the address limit of 6.
    for (let i = 0; i < 3; i++)
      assertOAuthError(await attempt(`nobody${i}`, 'x'), 401, 'invalid_client');
    assertOAuthError(await attempt(other.client_id, other.client_secret), 429, 'too_many_requests');
  });
});

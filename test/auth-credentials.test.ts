/**
 * Using credentials (auth.md §3) over real HTTP: GET /v1/me for tokens and reporting keys, the
 * 401/403 cases, write keys on POST /v1/events, expiry, and revocation taking effect at once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify from 'fastify';
import { SignJWT } from 'jose';
import type { CredentialJson } from '../src/admin/admin.js';
import { authorize } from '../src/http/guard.js';
import { AppError } from '../src/domain/errors.js';
import { playerEvent, postEvents, send, type Sent } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const READ = 'video-cloud/interactivity/read';
const ANALYTICS = 'video-cloud/analytics/read';

async function getToken(server: TestServer, cred: CredentialJson): Promise<string> {
  const res = await send(`${server.url}/v4/access_token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${cred.client_id}:${cred.client_secret}`).toString('base64')}`,
    },
    body: 'grant_type=client_credentials',
  });
  assert.equal(res.status, 200, res.text);
  return (res.body as { access_token: string }).access_token;
}

const me = (server: TestServer, headers: Record<string, string>) =>
  send(`${server.url}/v1/me`, { headers });

function assertGateway(res: Sent, status: number, code: string, message?: RegExp): void {
  assert.equal(res.status, status, res.text);
  const body = res.body as { error_code: string; message: string }[];
  assert.equal(body.length, 1);
  assert.equal(body[0]?.error_code, code);
  if (message) assert.match(body[0]?.message ?? '', message);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('credentials in use', () => {
  let server: TestServer;
  let cred: CredentialJson;
  let reportingKey: string;
  let writeKey: string;

  before(async () => {
    server = await startTestServer();
    await server.admin.createAccount({ id: 'a1' });
    await server.admin.createAccount({ id: 'a2' });
    cred = await server.admin.createCredential({ accounts: ['a1', 'a2'] });
    reportingKey = (await server.admin.createKey({ account: 'a1', type: 'reporting' })).key;
    writeKey = (await server.admin.createKey({ account: 'a1', type: 'write' })).key;
  });
  after(() => server.stop());

  it('GET /v1/me answers a token with its accounts and scopes', async () => {
    const res = await me(server, { authorization: `Bearer ${await getToken(server, cred)}` });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { type: 'token', accounts: ['a1', 'a2'], scopes: [READ] });
    assert.equal(res.headers.get('cache-control'), 'no-store');
  });

  it('GET /v1/me answers a reporting key sent as Bearer or in X-Hapyak-API-Key', async () => {
    const expected = { type: 'reporting_key', accounts: ['a1'], scopes: [READ] };
    const asBearer = await me(server, { authorization: `Bearer ${reportingKey}` });
    assert.deepEqual([asBearer.status, asBearer.body], [200, expected]);
    const asLegacy = await me(server, { 'x-hapyak-api-key': reportingKey });
    assert.deepEqual([asLegacy.status, asLegacy.body], [200, expected]);
  });

  it('answers 401 for no credential, another scheme, garbage or a foreign token', async () => {
    assertGateway(await me(server, {}), 401, 'UNAUTHORIZED', /credential is required/);
    assertGateway(
      await me(server, { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }),
      401,
      'UNAUTHORIZED',
      /Bearer/,
    );
    assertGateway(await me(server, { authorization: 'Bearer' }), 401, 'UNAUTHORIZED');
    assertGateway(
      await me(server, { authorization: 'Bearer not.a.token' }),
      401,
      'UNAUTHORIZED',
      /not valid/,
    );
    const foreign = await new SignJWT({ client_id: cred.client_id, accounts: ['a1'], scope: READ })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('cuepoint')
      .setSubject(cred.client_id)
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('x'.repeat(32)));
    assertGateway(
      await me(server, { authorization: `Bearer ${foreign}` }),
      401,
      'UNAUTHORIZED',
      /not valid/,
    );
  });

  it('answers 401 for a write key or an unknown key sent as Bearer', async () => {
    assertGateway(
      await me(server, { authorization: `Bearer ${writeKey}` }),
      401,
      'UNAUTHORIZED',
      /write key cannot read/,
    );
    const unknown = reportingKey.replace(/_[^_]{16}_/, '_0000000000000000_');
    assertGateway(
      await me(server, { authorization: `Bearer ${unknown}` }),
      401,
      'UNAUTHORIZED',
      /unknown or revoked/,
    );
    assertGateway(await me(server, { authorization: 'Bearer cpr_broken' }), 401, 'UNAUTHORIZED');
  });

  it('answers 403 for an unknown key in X-Hapyak-API-Key, as Brightcove documented', async () => {
    for (const key of [
      'a3f0c2d9e8b7a6f5e4d3c2b1a0f9e8d7',
      reportingKey.slice(0, -1) + (reportingKey.endsWith('A') ? 'B' : 'A'),
      writeKey,
    ]) {
      assertGateway(
        await me(server, { 'x-hapyak-api-key': key }),
        403,
        'ACCESS_DENIED',
        /not a valid API key/,
      );
    }
  });

  it('never echoes the credential in an error', async () => {
    const res = await me(server, { authorization: `Bearer ${writeKey}` });
    assert.ok(!res.text.includes(writeKey));
    // The secret is everything after `cpw_<key_id>_`; it may itself contain `_`.
    const secret = writeKey.slice('cpw_'.length + 16 + 1);
    assert.equal(secret.length, 43);
    assert.ok(!res.text.includes(secret));
  });

  it('lets a write key post events to its account, and nothing else', async () => {
    const ok = await postEvents(server.url, writeKey, playerEvent({ event_id: 'e1' }));
    assert.deepEqual([ok.status, ok.body], [200, { accepted: 1, duplicates: 0, rejected: [] }]);
    assertGateway(
      await postEvents(server.url, reportingKey, playerEvent()),
      401,
      'UNAUTHORIZED',
      /write key is unknown, revoked or malformed/,
    );
    assertGateway(
      await postEvents(server.url, undefined, playerEvent()),
      401,
      'UNAUTHORIZED',
      /write key is required/,
    );
    const viaQuery = await postEvents(server.url, undefined, playerEvent({ event_id: 'e2' }), {
      query: `?key=${encodeURIComponent(writeKey)}`,
    });
    assert.equal(viaQuery.status, 200);
  });

  it('refuses a token at once when its credential is revoked', async () => {
    const doomed = await server.admin.createCredential({ accounts: ['a1'] });
    const token = await getToken(server, doomed);
    assert.equal((await me(server, { authorization: `Bearer ${token}` })).status, 200);
    await server.admin.revokeCredential(doomed.client_id);
    assertGateway(
      await me(server, { authorization: `Bearer ${token}` }),
      401,
      'UNAUTHORIZED',
      /revoked/,
    );
  });

  it('refuses a reporting key and a write key at once when revoked', async () => {
    const reporting = await server.admin.createKey({ account: 'a1', type: 'reporting' });
    const write = await server.admin.createKey({ account: 'a1', type: 'write' });
    assert.equal((await me(server, { authorization: `Bearer ${reporting.key}` })).status, 200);
    assert.equal((await postEvents(server.url, write.key, playerEvent())).status, 200);
    await server.admin.revokeKey(reporting.key_id);
    await server.admin.revokeKey(write.key_id);
    assertGateway(
      await me(server, { authorization: `Bearer ${reporting.key}` }),
      401,
      'UNAUTHORIZED',
    );
    assertGateway(await me(server, { 'x-hapyak-api-key': reporting.key }), 403, 'ACCESS_DENIED');
    assertGateway(await postEvents(server.url, write.key, playerEvent()), 401, 'UNAUTHORIZED');
  });

  it('sees a revocation made by another process within a second', async () => {
    const doomed = await server.admin.createCredential({ accounts: ['a1'] });
    const token = await getToken(server, doomed);
    assert.equal((await me(server, { authorization: `Bearer ${token}` })).status, 200);
    // Straight to the store, as another node (or the CLI on a shared database) would.
    await server.store.credentials.revokeClient(doomed.client_id);
    await sleep(1100);
    assertGateway(await me(server, { authorization: `Bearer ${token}` }), 401, 'UNAUTHORIZED');
  });
});

describe('credentials in use: the guard', () => {
  let server: TestServer;
  const app = Fastify();

  before(async () => {
    server = await startTestServer();
    await server.admin.createAccount({ id: 'a1' });
    await server.admin.createAccount({ id: 'a2' });
    app.setErrorHandler((error, _request, reply) =>
      error instanceof AppError
        ? reply.status(error.status).send({ code: error.code })
        : reply.status(500).send({ code: 'SERVER_ERROR' }),
    );
    app.get('/:account/reports', (request) =>
      authorize(
        server.services,
        request,
        'reports',
        (request.params as { account: string }).account,
      ),
    );
    app.get('/:account/catalog', (request) =>
      authorize(
        server.services,
        request,
        'catalogRead',
        (request.params as { account: string }).account,
      ),
    );
    await app.ready();
  });
  after(async () => {
    await app.close();
    await server.stop();
  });

  const status = async (url: string, authorization: string) =>
    (await app.inject({ url, headers: { authorization } })).json<{ code?: string }>();

  it('answers 403 for another account, the same whether it exists or not, and for a missing scope', async () => {
    const cred = await server.admin.createCredential({ accounts: ['a1'], scopes: [ANALYTICS] });
    const token = `Bearer ${await getToken(server, cred)}`;
    assert.equal((await status('/a1/reports', token)).code, undefined);
    assert.equal((await status('/a2/reports', token)).code, 'ACCESS_DENIED');
    assert.equal((await status('/nope/reports', token)).code, 'ACCESS_DENIED');
    assert.equal((await status('/a1/catalog', token)).code, 'ACCESS_DENIED');
    const key = await server.admin.createKey({ account: 'a1', type: 'reporting' });
    assert.equal((await status('/a1/catalog', `Bearer ${key.key}`)).code, undefined);
    assert.equal((await status('/a2/catalog', `Bearer ${key.key}`)).code, 'ACCESS_DENIED');
  });
});

describe('credentials in use: expiry', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({
      tokenTtlSeconds: 2,
      tokenSecret: 'a-configured-secret-of-32-chars!',
    });
    await server.admin.createAccount({ id: 'a1' });
  });
  after(() => server.stop());

  it('refuses a token once expired', async () => {
    const cred = await server.admin.createCredential({ accounts: ['a1'] });
    const token = await getToken(server, cred);
    assert.equal((await me(server, { authorization: `Bearer ${token}` })).status, 200);
    // 2 s rather than 1: exp is whole seconds, so a 1 s token may live only a few milliseconds.
    await sleep(3100);
    assertGateway(
      await me(server, { authorization: `Bearer ${token}` }),
      401,
      'UNAUTHORIZED',
      /expired/,
    );
  });

  it('signs with the configured secret rather than a generated one', async () => {
    const token = await server.services.auth.signToken({
      client_id: 'c',
      accounts: [],
      scopes: [READ],
    });
    const { jwtVerify } = await import('jose');
    await jwtVerify(token, new TextEncoder().encode('a-configured-secret-of-32-chars!'));
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { send } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';

describe('/openapi.json and /healthz', () => {
  let server: TestServer;
  before(async () => (server = await startTestServer()));
  after(() => server.stop());

  it('describes every registered route, without a credential', async () => {
    const res = await send(`${server.url}/openapi.json`);
    assert.equal(res.status, 200);
    const doc = res.body as { openapi: string; paths: Record<string, Record<string, unknown>> };
    assert.equal(doc.openapi, '3.1.0');
    const described = new Set(
      Object.entries(doc.paths).flatMap(([path, item]) =>
        Object.keys(item).map((method) => `${method} ${path}`),
      ),
    );
    const missing = server.app.registeredRoutes.filter((route) => !described.has(route));
    assert.deepEqual(missing, []);
    assert.ok(server.app.registeredRoutes.includes('post /v1/events'));
  });

  it('answers /healthz with 200 once ready', async () => {
    const res = await send(`${server.url}/healthz`);
    assert.deepEqual([res.status, res.body], [200, { status: 'ok' }]);
  });

  it('answers unknown routes with a gateway 404', async () => {
    const res = await send(`${server.url}/nope?x=1`);
    assert.deepEqual(
      [res.status, res.body],
      [404, [{ error_code: 'RESOURCE_NOT_FOUND', message: 'no route GET /nope' }]],
    );
  });
});

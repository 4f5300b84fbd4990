/**
 * GET /studio and its assets (src/http/routes/studio.ts): served without a credential, with the
 * right content types, a strict Content-Security-Policy on the page, revalidation of the page and
 * year-long caching of the hashed assets, gzip when accepted, 304 on a matching ETag.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from './helpers/server.js';

describe('GET /studio', () => {
  let server: TestServer;
  let page: string;
  before(async () => {
    server = await startTestServer();
    page = await (await fetch(`${server.url}/studio`)).text();
  });
  after(() => server.stop());

  const assetsOf = (html: string) =>
    [...html.matchAll(/(?:src|href)="(\/studio\/assets\/[^"]+)"/g)].map((m) => m[1]!);

  it('serves the page without a credential, uncached but revalidated', async () => {
    for (const path of ['/studio', '/studio/']) {
      const res = await fetch(`${server.url}${path}`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
      assert.equal(res.headers.get('cache-control'), 'no-cache');
      assert.match(res.headers.get('etag') ?? '', /^"[\w-]+"$/);
      const policy = res.headers.get('content-security-policy') ?? '';
      assert.match(policy, /default-src 'none'/);
      assert.match(policy, /script-src 'self'(;|$)/);
      assert.match(policy, /connect-src 'self'(;|$)/);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.match(await res.text(), /<div id="app">/);
    }
    const scripts = assetsOf(page).filter((p) => p.endsWith('.js'));
    const styles = assetsOf(page).filter((p) => p.endsWith('.css'));
    assert.equal(scripts.length, 1);
    assert.equal(styles.length, 1);
  });

  it('serves the assets with their types, cached for a year, gzip’d when accepted', async () => {
    for (const path of assetsOf(page)) {
      const res = await fetch(`${server.url}${path}`, { headers: { 'accept-encoding': 'gzip' } });
      assert.equal(res.status, 200, path);
      assert.equal(
        res.headers.get('content-type'),
        path.endsWith('.js') ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8',
      );
      assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      assert.equal(res.headers.get('content-encoding'), 'gzip');
      assert.equal(res.headers.get('vary'), 'Accept-Encoding');
      assert.ok((await res.text()).length > 1000);
    }
  });

  it('answers 304 to a matching If-None-Match, per encoding', async () => {
    const plain = await fetch(`${server.url}/studio`, {
      headers: { 'accept-encoding': 'identity' },
    });
    const etag = plain.headers.get('etag')!;
    const again = await fetch(`${server.url}/studio`, {
      headers: { 'accept-encoding': 'identity', 'if-none-match': etag },
    });
    assert.equal(again.status, 304);
    const script = assetsOf(page).find((p) => p.endsWith('.js'))!;
    const gz = await fetch(`${server.url}${script}`, { headers: { 'accept-encoding': 'gzip' } });
    const gzTag = gz.headers.get('etag')!;
    assert.notEqual(gzTag, etag);
    const cached = await fetch(`${server.url}${script}`, {
      headers: { 'accept-encoding': 'gzip', 'if-none-match': gzTag },
    });
    assert.equal(cached.status, 304);
  });

  it('answers an unknown asset with the gateway 404', async () => {
    const res = await fetch(`${server.url}/studio/assets/nope.js`);
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), [
      { error_code: 'RESOURCE_NOT_FOUND', message: 'no Studio file nope.js' },
    ]);
  });

  it('calls only the public API', async () => {
    const script = assetsOf(page).find((p) => p.endsWith('.js'))!;
    const code = await (await fetch(`${server.url}${script}`)).text();
    const paths = new Set([...code.matchAll(/["'`](\/(?:v\d|api)\/[\w/-]*)/g)].map((m) => m[1]));
    assert.deepEqual([...paths].sort(), [
      '/api/reports/v2/',
      '/v1/accounts/',
      '/v1/me',
      '/v4/access_token',
    ]);
  });
});

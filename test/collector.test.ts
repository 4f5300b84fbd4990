/**
 * POST /v1/events over real HTTP against a real server and DuckDB file: every status code the
 * collector can answer (events.md §1, reporting-api.md §4), de-duplication, enrichment.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { readEvents } from './helpers/events.js';
import { playerEvent, postEvents, send } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';

describe('collector', () => {
  let server: TestServer;
  let key: string;
  let originKey: string;

  before(async () => {
    server = await startTestServer({ maxEventsPerRequest: 50, maxBodyBytes: 64 * 1024 });
    await server.admin.createAccount({ id: 'acc1' });
    key = (await server.admin.createKey({ account: 'acc1', type: 'write' })).key;
    originKey = (
      await server.admin.createKey({
        account: 'acc1',
        type: 'write',
        origins: ['https://allowed.example'],
      })
    ).key;
  });
  after(() => server.stop());

  it('accepts one event object', async () => {
    const res = await postEvents(server.url, key, playerEvent({ event_id: 'one' }));
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { accepted: 1, duplicates: 0, rejected: [] });
  });

  it('accepts an array, keeps the valid events and names the rejected ones by index', async () => {
    const res = await postEvents(server.url, key, [
      playerEvent(),
      playerEvent({}, { 'Video Offset': 'twelve' }),
      playerEvent({ event: 'Player Moved' }),
      playerEvent(),
    ]);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, {
      accepted: 2,
      duplicates: 0,
      rejected: [
        { index: 1, reason: 'video_offset: expected a number, got the string "twelve"' },
        {
          index: 2,
          reason:
            'event: unknown kind "Player Moved"; accepted: player_action, annotation_view, annotation_end, annotation_action',
        },
      ],
    });
  });

  it('accepts NDJSON, rejecting unparsable lines one by one', async () => {
    const body = [
      JSON.stringify(playerEvent()),
      '{not json',
      '',
      JSON.stringify(playerEvent()),
    ].join('\n');
    const res = await postEvents(server.url, key, body, { contentType: 'application/x-ndjson' });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, {
      accepted: 2,
      duplicates: 0,
      rejected: [{ index: 1, reason: 'line is not valid JSON' }],
    });
  });

  it('reads text/plain beacons as JSON, else NDJSON, with the key in the query', async () => {
    const asJson = await postEvents(server.url, undefined, [playerEvent(), playerEvent()], {
      contentType: 'text/plain;charset=UTF-8',
      query: `?key=${encodeURIComponent(key)}`,
    });
    assert.deepEqual(
      [asJson.status, asJson.body],
      [200, { accepted: 2, duplicates: 0, rejected: [] }],
    );
    const asNdjson = await postEvents(
      server.url,
      undefined,
      `${JSON.stringify(playerEvent())}\n${JSON.stringify(playerEvent())}`,
      {
        contentType: 'text/plain',
        query: `?key=${encodeURIComponent(key)}`,
      },
    );
    assert.deepEqual(
      [asNdjson.status, asNdjson.body],
      [200, { accepted: 2, duplicates: 0, rejected: [] }],
    );
  });

  it('accepts gzip', async () => {
    const res = await postEvents(server.url, key, [playerEvent(), playerEvent()], { gzip: true });
    assert.deepEqual([res.status, res.body], [200, { accepted: 2, duplicates: 0, rejected: [] }]);
  });

  it('drops duplicate event_ids, in the same batch and on retry', async () => {
    const batch = [
      playerEvent({ event_id: 'd1' }),
      playerEvent({ event_id: 'd2' }),
      playerEvent({ event_id: 'd1' }),
    ];
    const first = await postEvents(server.url, key, batch);
    assert.deepEqual(first.body, { accepted: 2, duplicates: 1, rejected: [] });
    const retry = await postEvents(server.url, key, batch);
    assert.deepEqual(retry.body, { accepted: 0, duplicates: 3, rejected: [] });
  });

  it('de-duplicates across concurrent requests committed together', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        postEvents(server.url, key, [playerEvent({ event_id: 'race' })]),
      ),
    );
    const bodies = results.map((r) => r.body as { accepted: number; duplicates: number });
    assert.equal(
      bodies.reduce((n, b) => n + b.accepted, 0),
      1,
    );
    assert.equal(
      bodies.reduce((n, b) => n + b.duplicates, 0),
      9,
    );
  });

  it('answers 400 for a body that is not JSON, or JSON that is not an object or array', async () => {
    for (const body of ['{nope', '42', '"text"']) {
      const res = await postEvents(server.url, key, body);
      assert.equal(res.status, 400);
      assert.equal((res.body as [{ error_code: string }])[0].error_code, 'BAD_REQUEST');
      assert.match((res.body as [{ message: string }])[0].message, /body/);
    }
  });

  it('answers 413 for too many events, a body over the limit, or gzip inflating over it', async () => {
    const many = await postEvents(
      server.url,
      key,
      Array.from({ length: 51 }, () => playerEvent()),
    );
    assert.equal(many.status, 413);
    assert.deepEqual(many.body, [
      {
        error_code: 'PAYLOAD_TOO_LARGE',
        message: '51 events in one request; at most 50 are accepted',
      },
    ]);
    const big = await postEvents(server.url, key, 'x'.repeat(70 * 1024));
    assert.equal(big.status, 413);
    assert.equal((big.body as [{ error_code: string }])[0].error_code, 'PAYLOAD_TOO_LARGE');
    const bomb = gzipSync(' '.repeat(1024 * 1024));
    const res = await send(`${server.url}/v1/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'x-cuepoint-key': key,
      },
      body: bomb,
    });
    assert.equal(res.status, 413);
    assert.match(
      (res.body as [{ message: string }])[0].message,
      /inflates to more than 65536 bytes/,
    );
  });

  it('answers 415 for another content type or encoding', async () => {
    const xml = await postEvents(server.url, key, '<e/>', { contentType: 'application/xml' });
    assert.equal(xml.status, 415);
    assert.deepEqual(xml.body, [
      {
        error_code: 'UNSUPPORTED_MEDIA_TYPE',
        message:
          'Content-Type application/xml is not accepted; accepted: application/json, application/x-ndjson, text/plain',
      },
    ]);
    const br = await postEvents(server.url, key, '[]', { headers: { 'content-encoding': 'br' } });
    assert.equal(br.status, 415);
  });

  it('answers 401 without a key or with an unknown one', async () => {
    const none = await postEvents(server.url, undefined, playerEvent());
    assert.equal(none.status, 401);
    assert.equal((none.body as [{ error_code: string }])[0].error_code, 'UNAUTHORIZED');
    const unknown = await postEvents(server.url, 'cpw_nope_nope', playerEvent());
    assert.equal(unknown.status, 401);
  });

  it('answers 401 at once for a revoked key', async () => {
    const made = await server.admin.createKey({ account: 'acc1', type: 'write' });
    assert.equal((await postEvents(server.url, made.key, playerEvent())).status, 200);
    await server.admin.revokeKey(made.key_id);
    assert.equal((await postEvents(server.url, made.key, playerEvent())).status, 401);
  });

  it('answers CORS preflights and enforces the key origin allow-list', async () => {
    const preflight = await send(`${server.url}/v1/events`, {
      method: 'OPTIONS',
      headers: { origin: 'https://anywhere.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), 'https://anywhere.example');
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /X-Cuepoint-Key/);

    const allowed = await postEvents(server.url, originKey, playerEvent(), {
      headers: { origin: 'https://allowed.example' },
    });
    assert.equal(allowed.status, 200);
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://allowed.example');
    const refused = await postEvents(server.url, originKey, playerEvent(), {
      headers: { origin: 'https://evil.example' },
    });
    assert.equal(refused.status, 403);
    assert.deepEqual(refused.body, [
      {
        error_code: 'ACCESS_DENIED',
        message: 'origin https://evil.example is not allowed for this write key',
      },
    ]);
    const anyOrigin = await postEvents(server.url, key, playerEvent(), {
      headers: { origin: 'https://evil.example' },
    });
    assert.equal(anyOrigin.status, 200);
  });
});

describe('collector rate limit and enrichment', () => {
  it('answers 429 with Retry-After over the per-key event rate', async () => {
    const server = await startTestServer({ eventsPerSecondPerKey: 5 });
    try {
      await server.admin.createAccount({ id: 'acc2' });
      const { key } = await server.admin.createKey({ account: 'acc2', type: 'write' });
      const burst = await postEvents(
        server.url,
        key,
        Array.from({ length: 10 }, () => playerEvent()),
      );
      assert.equal(burst.status, 200, 'a burst of twice the rate is allowed');
      const over = await postEvents(
        server.url,
        key,
        Array.from({ length: 10 }, () => playerEvent()),
      );
      assert.equal(over.status, 429);
      assert.equal((over.body as [{ error_code: string }])[0].error_code, 'TOO_MANY_REQUESTS');
      assert.ok(Number(over.headers.get('retry-after')) >= 1);
    } finally {
      await server.stop();
    }
  });

  it('stores browser, os, referrer and an anonymised address from the request', async () => {
    const server = await startTestServer();
    const dataDir = server.dataDir;
    await server.admin.createAccount({ id: 'acc3' });
    const { key } = await server.admin.createKey({ account: 'acc3', type: 'write' });
    const res = await postEvents(
      server.url,
      key,
      playerEvent({ event_id: 'enriched' }, { 'Partner User ID': 'u-1', browser: 'Fake' }),
      {
        headers: {
          'user-agent':
            'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
          referer: 'https://school.example/course/1?x=y',
        },
      },
    );
    assert.equal(res.status, 200);
    await server.close();
    const [row] = await readEvents(dataDir, "event_id = 'enriched'");
    assert.ok(row);
    assert.equal(row.browser, 'Chrome');
    assert.equal(row.os, 'Windows');
    assert.equal(row.referrer, 'https://school.example/course/1?x=y');
    assert.equal(row.referring_domain, 'school.example');
    assert.equal(row.ip, '127.0.0.0');
    assert.equal(row.user_id, 'u-1');
    assert.equal(row.account_id, 'acc3');
    await server.stop();
  });
});

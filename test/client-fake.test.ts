/**
 * The SDK against a local fake of Brightcove's hosts (test/helpers/fake-brightcove.ts): the three
 * origins and their paths, and the failures a real server does not produce on demand — a token
 * refused on a 401, long queues, rate limits, restarts, hangs, dropped connections.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  AbortError,
  AuthError,
  ConnectionError,
  createClient,
  RateLimitError,
  ServerError,
  TimeoutError,
  ValidationError,
  type ClientOptions,
  type ReportEvent,
} from '../src/client/index.js';
import {
  body,
  gatewayError,
  json,
  pending,
  startFakeBrightcove,
  type FakeBrightcove,
} from './helpers/fake-brightcove.js';

const ROWS = JSON.stringify([
  { project_id: 'p1', timestamp: '2024-03-01T00:00:00.000Z', action: 'play' },
]);

describe('client against a fake of Brightcove hosts', () => {
  let fake: FakeBrightcove;
  const client = (options: ClientOptions = {}) =>
    createClient({ ...fake.options, accountId: '6415650835001', initialDelayMs: 20, ...options });

  before(async () => {
    fake = await startFakeBrightcove();
  });
  after(() => fake.close());
  beforeEach(() => fake.reset());

  it('gets a token from the token host, then asks the reporting host once, with account_id in the query', async () => {
    fake.script(body(ROWS, { 'content-type': 'application/json' }));
    const result = await client().report('project_stream_raw', {
      start: '2024-03-01',
      end: '2024-03-31',
      projectIds: ['p1', 'p2'],
    });
    assert.deepEqual(result.rows, JSON.parse(ROWS));
    const [tokenRequest] = fake.oauth.requests;
    assert.equal(tokenRequest?.url.pathname, '/v4/access_token');
    assert.equal(
      tokenRequest?.headers.authorization,
      `Basic ${Buffer.from('fake-client:fake-secret').toString('base64')}`,
    );
    assert.equal(tokenRequest?.body, 'grant_type=client_credentials');
    const [request] = fake.reporting.requests;
    assert.equal(request?.url.pathname, '/api/reports/v2/project_stream_raw', 'the base path once');
    assert.deepEqual(Object.fromEntries(request?.url.searchParams ?? []), {
      send_status: 'true',
      start: '2024-03-01',
      end: '2024-03-31',
      format: 'json',
      account_id: '6415650835001',
      project_id: 'p1,p2',
    });
    assert.match(request?.headers.authorization ?? '', /^Bearer tok-\d+$/);
    assert.equal(
      request?.headers['cache-control'],
      undefined,
      'no no-cache: results are cached a day',
    );
  });

  it('asks the analytics host with the account in the path', async () => {
    fake.script((_req, res) => json(res, 200, { result: { num_questions: 2, users: [] } }));
    const { result, truncated } = await client().analytics('gradebook/summary', {
      projectId: 'p1',
      startTime: '2024-01-01',
      endTime: '2024-03-31',
    });
    assert.deepEqual(result, { num_questions: 2, users: [] });
    assert.equal(truncated, false);
    const [request] = fake.analytics.requests;
    assert.equal(request?.url.pathname, '/v1/accounts/6415650835001/reports/gradebook/summary');
    assert.deepEqual(Object.fromEntries(request?.url.searchParams ?? []), {
      project_id: 'p1',
      start_time: '2024-01-01',
      end_time: '2024-03-31',
    });
  });

  it('refreshes the token once on a 401 and succeeds', async () => {
    const c = client();
    await c.report('chapter_summary');
    const before = fake.tokens();
    fake.expireTokens();
    await c.report('chapter_summary');
    assert.equal(fake.tokens(), before + 1);
    assert.equal(fake.reporting.requests.length, 3, 'ok, 401, ok');
  });

  it('gives up with AuthError on a second 401 in a row', async () => {
    const c = client();
    await c.report('chapter_summary');
    const before = fake.tokens();
    fake.script(
      gatewayError(401, 'UNAUTHORIZED', 'token revoked'),
      gatewayError(401, 'UNAUTHORIZED', 'token revoked'),
    );
    await assert.rejects(c.report('chapter_summary'), (error: unknown) => {
      assert.ok(error instanceof AuthError);
      assert.equal(error.status, 401);
      assert.equal(error.code, 'UNAUTHORIZED');
      assert.equal(error.message, 'token revoked');
      return true;
    });
    assert.equal(fake.tokens(), before + 1, 'one refresh, not a loop');
  });

  it('polls on 202, honouring Retry-After, and reports queued → processing → downloading → done', async () => {
    fake.script(pending(1, 'queued'), pending(1, 'processing'), body('a,b\n1,2\n'));
    const events: ReportEvent[] = [];
    const result = await client().download('project_stream_raw', {
      format: 'csv',
      to: new (await import('node:stream')).PassThrough().resume(),
      onStatus: (event) => events.push(event),
    });
    const times = fake.reporting.requests.map((r) => r.at);
    assert.equal(times.length, 3);
    for (let i = 1; i < times.length; i++) {
      const gap = times[i]! - times[i - 1]!;
      assert.ok(
        gap >= 1000 && gap < 1500,
        `poll ${i} after ${gap} ms: Retry-After 1 s, jitter up to 20 %`,
      );
    }
    assert.deepEqual(
      events.map((e) => e.event),
      ['queued', 'processing', 'downloading', 'done'],
    );
    assert.equal(result.bytes, 8);
    assert.equal(result.rows, 1);
  });

  it('caps a long Retry-After on 202 at maxDelayMs, and backs off when there is none', async () => {
    fake.script(pending(120), pending(undefined), body('x\n'));
    const started = Date.now();
    await client({ maxDelayMs: 200 })
      .report('project_stream_raw')
      .catch(() => undefined);
    assert.ok(Date.now() - started < 1500, 'polled again long before 120 s');
    assert.equal(fake.reporting.requests.length, 3);
  });

  it('waits out a 429 and retries until it passes', async () => {
    fake.script(
      gatewayError(429, 'TOO_MANY_REQUESTS', 'limit reached', { 'retry-after': '1' }),
      body(ROWS),
    );
    const events: ReportEvent[] = [];
    const started = Date.now();
    const result = await client().report('project_stream_raw', { onStatus: (e) => events.push(e) });
    assert.ok(Date.now() - started >= 1000);
    assert.equal(result.rows.length, 1);
    assert.deepEqual(
      events[0] && {
        event: events[0].event,
        status: 'status' in events[0] ? events[0].status : undefined,
      },
      {
        event: 'rate_limited',
        status: 429,
      },
    );
  });

  it('stops with RateLimitError when the 429 lasts until the deadline', async () => {
    const limited = gatewayError(429, 'TOO_MANY_REQUESTS', 'limit reached', { 'retry-after': '1' });
    fake.script(limited, limited, limited, limited, limited);
    const started = Date.now();
    await assert.rejects(
      client({ timeoutMs: 1500 }).report('project_stream_raw'),
      (error: unknown) => {
        assert.ok(error instanceof RateLimitError);
        assert.equal(error.status, 429);
        assert.equal(error.retryAfter, 1);
        assert.match(error.message, /^limit reached/);
        return true;
      },
    );
    const took = Date.now() - started;
    assert.ok(
      took >= 900 && took < 1500,
      `waited once, then saw the next wait end past the deadline (${took} ms)`,
    );
  });

  it('does not sleep into a timeout when Retry-After lies beyond the deadline', async () => {
    fake.script(gatewayError(429, 'TOO_MANY_REQUESTS', 'limit reached', { 'retry-after': '3600' }));
    const started = Date.now();
    await assert.rejects(client({ timeoutMs: 10_000 }).report('chapter_summary'), RateLimitError);
    assert.ok(Date.now() - started < 1000);
  });

  it('times out while the report stays queued', async () => {
    fake.script(pending(1), pending(1), pending(1));
    const started = Date.now();
    await assert.rejects(
      client().report('project_stream_raw', { timeoutMs: 400 }),
      (error: unknown) => {
        assert.ok(error instanceof TimeoutError);
        assert.equal(error.code, 'TIMEOUT');
        return true;
      },
    );
    assert.ok(Date.now() - started < 900);
  });

  it('times out on a host that never answers', async () => {
    fake.script(() => undefined); // never responds
    await assert.rejects(client().report('chapter_summary', { timeoutMs: 300 }), TimeoutError);
  });

  it('stops on an AbortSignal, before sending or while waiting', async () => {
    await assert.rejects(
      client().report('chapter_summary', { signal: AbortSignal.abort() }),
      AbortError,
    );
    fake.script(pending(1));
    const controller = new AbortController();
    const started = Date.now();
    // Aborted once the 202 is in, not on a timer: a timer could fire while the request was on
    // its way, and the fake would then answer it during the next test, from that test's script.
    await assert.rejects(
      client().report('chapter_summary', {
        signal: controller.signal,
        onStatus: (e) => {
          if (e.event === 'queued') controller.abort();
        },
      }),
      (error: unknown) => {
        assert.ok(error instanceof AbortError);
        assert.equal(error.code, 'ABORTED');
        return true;
      },
    );
    assert.ok(Date.now() - started < 800);
  });

  it('does not retry a 500, and carries its message', async () => {
    fake.script(
      gatewayError(500, 'SERVER_ERROR', 'the report failed (request r1); retry in a minute'),
    );
    await assert.rejects(client().report('chapter_summary'), (error: unknown) => {
      assert.ok(error instanceof ServerError);
      assert.equal(error.status, 500);
      assert.equal(error.message, 'the report failed (request r1); retry in a minute');
      return true;
    });
    assert.equal(fake.reporting.requests.length, 1);
  });

  it('rides out a restart (503 with Retry-After, 502) but not forever', async () => {
    fake.script(
      gatewayError(503, 'UNAVAILABLE', 'starting', { 'retry-after': '0' }),
      gatewayError(502, 'BAD_GATEWAY', 'proxy'),
      body(ROWS),
    );
    assert.equal((await client().report('chapter_summary')).rows.length, 1);
    const bad = gatewayError(502, 'BAD_GATEWAY', 'proxy');
    fake.script(bad, bad, bad);
    await assert.rejects(client({ maxNetworkRetries: 2 }).report('chapter_summary'), ServerError);
  });

  it('maps a 400 to ValidationError with the server message', async () => {
    fake.script(
      gatewayError(
        400,
        'BAD_REQUEST',
        'start must be a real date in the form YYYY-MM-DD, got "2024-02-30"',
      ),
    );
    await assert.rejects(
      client().report('chapter_summary', { start: '2024-02-30' }),
      (error: unknown) => {
        assert.ok(error instanceof ValidationError);
        assert.equal(error.status, 400);
        assert.equal(error.code, 'BAD_REQUEST');
        assert.match(error.message, /2024-02-30/);
        return true;
      },
    );
  });

  it('reports a host it cannot reach as ConnectionError after its retries', async () => {
    const gone = await startFakeBrightcove();
    const options = gone.options;
    await gone.close();
    await assert.rejects(
      createClient({ ...options, initialDelayMs: 10, maxNetworkRetries: 1 }).token(),
      (error: unknown) => {
        assert.ok(error instanceof ConnectionError);
        assert.ok(error instanceof ServerError);
        assert.match(error.message, /could not reach http:\/\/127\.0\.0\.1:\d+\/v4\/access_token/);
        return true;
      },
    );
  });
});

/**
 * The asynchronous report protocol (reporting-api.md §1.3–1.5, §4) over real HTTP: one job however
 * many identical requests, 202 bodies and Retry-After, long-poll, formats from one stored result,
 * ETag/304, gzip, HEAD, truncation, validation, precedence, rate limits, failure and recovery.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { setupAccount, tokenFor, type TestAccount } from './helpers/accounts.js';
import { breakResults, storedResults } from './helpers/backend.js';
import { playerEvent, postEvents, send } from './helpers/http.js';
import { startTestServer, tempDir, type TestServer } from './helpers/server.js';

const today = new Date().toISOString().slice(0, 10);
const base = '/api/reports/v2';

function get(
  server: TestServer,
  token: string,
  path: string,
  headers: Record<string, string> = {},
) {
  return send(`${server.url}${path}`, {
    headers: { authorization: `Bearer ${token}`, ...headers },
  });
}

async function untilDone(server: TestServer, token: string, path: string) {
  for (let i = 0; i < 200; i++) {
    const res = await get(server, token, path);
    if (res.status !== 202) return res;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('report never finished');
}

/** Five stream rows: a session with load, play, pause, seek, end (progress is never a row). */
async function sendSession(
  server: TestServer,
  account: TestAccount,
  session: string,
  extra: Record<string, unknown> = {},
) {
  const actions = ['Load', 'Play', 'Progress', 'Pause', 'Seek', 'End - Complete'];
  const events = actions.map((action, i) =>
    playerEvent(
      {
        event_id: `${session}-${i}`,
        timestamp: new Date(Date.now() - 60_000 + i * 1000).toISOString(),
      },
      { 'Session ID': session, Action: action, 'Play Time Accrued': i, ...extra },
    ),
  );
  const res = await postEvents(server.url, account.writeKey, events);
  assert.deepEqual(res.body, { accepted: 6, duplicates: 0, rejected: [] });
}

describe('report protocol', () => {
  let server: TestServer;
  let account: TestAccount;

  before(async () => {
    server = await startTestServer();
    account = await setupAccount(server, 'acc1', { limits: { minute: 100, hour: 100, day: 100 } });
    await sendSession(server, account, 's1');
  });
  after(() => server.stop());

  it('answers 202 with a status body while running, then 200 with the rows', async () => {
    const path = `${base}/project_stream_raw?send_status=true&start=${today}&end=${today}`;
    const first = await get(server, account.token, path);
    assert.equal(first.status, 202);
    const body = first.body as Record<string, string>;
    assert.deepEqual(Object.keys(body), ['status', 'report', 'request_id', 'queued_at']);
    assert.ok(['queued', 'processing'].includes(body.status!));
    assert.equal(body.report, 'project_stream_raw');
    assert.match(body.queued_at!, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    assert.ok(Number(first.headers.get('retry-after')) >= 1);
    const done = await untilDone(server, account.token, path);
    assert.equal(done.status, 200);
    assert.equal(done.headers.get('content-type'), 'application/json');
    const rows = done.body as Record<string, unknown>[];
    assert.equal(rows.length, 5);
    assert.deepEqual(
      rows.map((r) => r.action),
      ['load', 'play', 'pause', 'seek', 'end_complete'],
    );
    assert.equal(done.headers.get('x-report-rows'), '5');
    assert.equal(done.headers.get('x-report-truncated'), null);
    assert.match(done.headers.get('x-report-generated-at') ?? '', /Z$/);
  });

  it('runs one job for twenty identical requests arriving at once', async () => {
    const path = `${base}/project_stream_raw?send_status=true&start=${addDays(today, -1)}&end=${today}`;
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => get(server, account.token, path)),
    );
    // A fast engine may finish before the last request: a 200 names its job in the ETag.
    const ids = new Set(
      answers.map((a) =>
        a.status === 202
          ? (a.body as { request_id: string }).request_id
          : a.headers.get('etag')?.replace(/"|\.[a-z]+"?$/g, ''),
      ),
    );
    assert.equal(ids.size, 1, `request ids: ${[...ids].join(', ')}`);
  });

  it('waits for the result without send_status (long-poll)', async () => {
    const res = await get(
      server,
      account.token,
      `${base}/project_stream_raw?start=${addDays(today, -2)}&end=${today}`,
    );
    assert.equal(res.status, 200);
    assert.equal((res.body as unknown[]).length, 5);
  });

  it('serves CSV, JSON and NDJSON from one stored result, with ETag and 304', async () => {
    const path = (format: string) =>
      `${base}/project_stream_raw?start=${addDays(today, -3)}&end=${today}&format=${format}`;
    const json = await get(server, account.token, path('json'));
    const csv = await get(server, account.token, path('CSV'));
    const ndjson = await get(server, account.token, path('ndjson'));
    assert.equal(csv.status, 200);
    assert.equal(csv.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.equal(
      csv.headers.get('content-disposition'),
      `attachment; filename="project_stream_raw_${addDays(today, -3)}_${today}.csv"`,
    );
    const lines = csv.text.split('\n');
    assert.equal(
      lines[0],
      'project_id,project_title,timestamp,session_id,user_id,action,video_offset_seconds,video_percent_complete,annotation_id,details',
    );
    assert.equal(lines.length, 7, 'header, five rows and the final newline');
    assert.equal(lines[6], '');
    assert.equal(ndjson.headers.get('content-type'), 'application/x-ndjson');
    assert.deepEqual(
      ndjson.text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as unknown),
      json.body,
    );
    const jobOf = (etag: string | null) => etag?.replace(/"|\.[a-z]+"?$/g, '');
    assert.equal(
      jobOf(csv.headers.get('etag')),
      jobOf(json.headers.get('etag')),
      'one job behind every format',
    );
    assert.notEqual(csv.headers.get('etag'), json.headers.get('etag'), 'one ETag per format');
    const again = await get(server, account.token, path('json'), {
      'if-none-match': json.headers.get('etag')!,
    });
    assert.equal(again.status, 304);
    assert.equal(again.text, '');
  });

  it('gzips when asked, and answers HEAD without a body', async () => {
    const path = `${base}/project_stream_raw?start=${addDays(today, -3)}&end=${today}&format=csv`;
    const res = await fetch(`${server.url}${path}`, {
      headers: { authorization: `Bearer ${account.token}`, 'accept-encoding': 'gzip' },
    });
    assert.equal(res.headers.get('content-encoding'), 'gzip');
    assert.equal(res.headers.get('vary'), 'Accept-Encoding');
    const plain = await get(server, account.token, path);
    // fetch already undid the gzip; compare with the plain body
    assert.equal(await res.text(), plain.text);
    const raw = await import('node:http').then(
      (http) =>
        new Promise<Buffer>((resolve) => {
          http.get(
            `${server.url}${path}`,
            { headers: { authorization: `Bearer ${account.token}`, 'accept-encoding': 'gzip' } },
            (r) => {
              const chunks: Buffer[] = [];
              r.on('data', (c: Buffer) => chunks.push(c));
              r.on('end', () => resolve(Buffer.concat(chunks)));
            },
          );
        }),
    );
    assert.equal(gunzipSync(raw).toString(), plain.text);
    const head = await fetch(`${server.url}${path}`, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${account.token}` },
    });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('x-report-rows'), '5');
    assert.equal(await head.text(), '');
  });

  it('serves the doubled path of the official sample client as the single one', async () => {
    const res = await get(
      server,
      account.token,
      `${base}/api/reports/v2/project_stream_raw?start=${addDays(today, -3)}&end=${today}`,
    );
    assert.equal(res.status, 200);
    assert.equal((res.body as unknown[]).length, 5);
  });

  it('answers 400 naming the parameter and the accepted form', async () => {
    const cases: [string, string][] = [
      ['start=2024-02-30', 'start must be a real date in the form YYYY-MM-DD, got "2024-02-30"'],
      ['end=03/01/2024', 'end must be a real date in the form YYYY-MM-DD, got "03/01/2024"'],
      [
        'start=2024-03-02&end=2024-03-01',
        'start (2024-03-02) is after end (2024-03-01); start must be on or before end',
      ],
      [
        'start=2024-02-28&end=2024-08-31',
        'the range 2024-02-28 to 2024-08-31 is longer than 6 months; start must be on or after 2024-02-29',
      ],
      ['format=xml', 'format must be json, csv or ndjson, got "xml"'],
      [
        'project_id=a,,b',
        'project_id has an empty ID; give one ID or a comma-separated list of IDs',
      ],
      ['format=csv&format=json', 'format is given more than once; give it once'],
    ];
    for (const [query, message] of cases) {
      const res = await get(server, account.token, `${base}/project_stream_raw?${query}`);
      assert.equal(res.status, 400, query);
      assert.deepEqual(res.body, [{ error_code: 'BAD_REQUEST', message }], query);
    }
    const sixMonths = await get(
      server,
      account.token,
      `${base}/project_stream_raw?start=2024-02-29&end=2024-08-31&send_status=true`,
    );
    assert.equal(sixMonths.status, 202, 'exactly six calendar months is allowed');
  });

  it('ignores unknown parameters and empty values; format and send_status in any case', async () => {
    const res = await get(
      server,
      account.token,
      `${base}/project_stream_raw?start=${addDays(today, -3)}&end=${today}&foo=bar&project_id=&FORMAT=xml&format=NDJSON`,
    );
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/x-ndjson');
  });

  it('answers 404 listing the reports, 405 for other methods, 401 and 403', async () => {
    const unknown = await get(server, account.token, `${base}/nope`);
    assert.equal(unknown.status, 404);
    assert.match(
      (unknown.body as [{ message: string }])[0].message,
      /^no report named nope; valid names: project_engagement_summary_raw, /,
    );
    const post = await send(`${server.url}${base}/project_stream_raw`, {
      method: 'POST',
      headers: { authorization: `Bearer ${account.token}` },
    });
    assert.deepEqual(
      [post.status, post.body],
      [405, [{ error_code: 'METHOD_NOT_ALLOWED', message: 'reports are read with GET or HEAD' }]],
    );
    const none = await send(`${server.url}${base}/project_stream_raw`);
    assert.equal(none.status, 401);
    assert.equal((none.body as [{ error_code: string }])[0].error_code, 'UNAUTHORIZED');
    const other = await get(
      server,
      account.token,
      `${base}/project_stream_raw?account_id=someone-else`,
    );
    assert.equal(other.status, 403);
    assert.equal((other.body as [{ error_code: string }])[0].error_code, 'ACCESS_DENIED');
    // precedence: 401 before 404 before 400
    assert.equal((await send(`${server.url}${base}/nope?start=bad`)).status, 401);
    assert.equal((await get(server, account.token, `${base}/nope?start=bad`)).status, 404);
  });

  it('needs account_id when the credential covers several accounts', async () => {
    await server.admin.createAccount({ id: 'acc-b' });
    const both = await server.admin.createCredential({ accounts: ['acc1', 'acc-b'] });
    const token = await tokenFor(server, both.client_id, both.client_secret);
    const res = await get(server, token, `${base}/project_stream_raw?start=${today}`);
    assert.deepEqual(res.body, [
      {
        error_code: 'BAD_REQUEST',
        message: 'account_id is required: this credential covers 2 accounts',
      },
    ]);
    const ok = await get(
      server,
      token,
      `${base}/project_stream_raw?start=${addDays(today, -3)}&end=${today}&account_id=acc1`,
    );
    assert.equal(ok.status, 200);
  });
});

describe('report limits', () => {
  it('counts only new jobs against 2/…, answers 429 with Retry-After, and never queues then', async () => {
    const server = await startTestServer();
    try {
      const account = await setupAccount(server, 'acc2', {
        limits: { minute: 2, hour: 10, day: 10 },
      });
      const path = (d: number, format = 'json') =>
        `${base}/project_stream_raw?start=${addDays(today, -d)}&end=${today}&format=${format}`;
      assert.equal((await get(server, account.token, path(1))).status, 200);
      assert.equal(
        (await get(server, account.token, path(1, 'csv'))).status,
        200,
        'a format change is not a new report',
      );
      assert.equal(
        (await get(server, account.token, path(1))).status,
        200,
        'a cached result is not a new report',
      );
      assert.equal((await get(server, account.token, path(2))).status, 200);
      const refused = await get(server, account.token, `${path(3)}&send_status=true`);
      assert.equal(refused.status, 429);
      assert.deepEqual(refused.body, [
        {
          error_code: 'TOO_MANY_REQUESTS',
          message: 'the new-report rate limit of this account is reached; retry later',
        },
      ]);
      const wait = Number(refused.headers.get('retry-after'));
      assert.ok(wait >= 1 && wait <= 60, `Retry-After ${wait}`);
      const daily = await get(
        server,
        account.token,
        `${base}/daily_engagement_summary?start=${today}&end=${today}`,
      );
      assert.equal(daily.status, 200, 'the daily chart report does not count');
      assert.equal(
        (await get(server, account.token, `${path(3)}&send_status=true`)).status,
        429,
        'the 429 queued nothing',
      );
    } finally {
      await server.stop();
    }
  });

  it('truncates at the row cap and says so', async () => {
    const server = await startTestServer({ reportRowCap: 3 });
    try {
      const account = await setupAccount(server, 'acc3');
      await sendSession(server, account, 's1');
      const res = await get(
        server,
        account.token,
        `${base}/project_stream_raw?start=${today}&end=${today}&format=csv`,
      );
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('x-report-truncated'), 'true');
      assert.equal(res.headers.get('x-report-rows'), '3');
      assert.equal(res.text.trim().split('\n').length, 4, 'header and the first three rows');
      assert.match(res.text.split('\n')[3] ?? '', /,pause,/);
    } finally {
      await server.stop();
    }
  });
});

describe('report failures, recovery and lifetime', () => {
  it('answers 500 for a failed job during its error window, then starts it afresh', async () => {
    const server = await startTestServer({ failedJobSeconds: 1 });
    try {
      const account = await setupAccount(server, 'acc4');
      // Storing results fails (a file where DuckDB's results directory belongs, PostgreSQL's
      // result table renamed away).
      const broken = await breakResults(server.dataDir);
      const path = `${base}/project_stream_raw?start=${today}&end=${today}`;
      const failed = await get(server, account.token, path);
      assert.equal(failed.status, 500);
      const [error] = failed.body as [{ error_code: string; message: string }];
      assert.equal(error.error_code, 'SERVER_ERROR');
      assert.match(
        error.message,
        /^the report failed \(request [0-9a-f-]{36}\); retry in a minute$/,
      );
      assert.equal(
        (await get(server, account.token, path)).status,
        500,
        'the same error while the window lasts',
      );
      await broken.repair();
      await new Promise((resolve) => setTimeout(resolve, 1100));
      assert.equal((await get(server, account.token, path)).status, 200);
    } finally {
      await server.stop();
    }
  });

  it('runs a job that was queued when the server stopped once it starts again', async () => {
    const dataDir = tempDir();
    const first = await startTestServer({ dataDir, reportWorkers: 0 });
    const account = await setupAccount(first, 'acc5');
    const path = `${base}/project_stream_raw?start=${today}&end=${today}&send_status=true`;
    const queued = await get(first, account.token, path);
    assert.equal(queued.status, 202);
    assert.equal((queued.body as { status: string }).status, 'queued');
    await first.close();
    const second = await startTestServer({ dataDir });
    try {
      const token = await tokenFor(second, account.clientId, account.clientSecret);
      const res = await untilDone(second, token, path);
      assert.equal(res.status, 200);
    } finally {
      await second.stop();
    }
  });

  it('removes results past their lifetime, and a later request runs the report again', async () => {
    const server = await startTestServer({ todayResultTtlSeconds: 1, sweepSeconds: 1 });
    try {
      const account = await setupAccount(server, 'acc6');
      const path = `${base}/project_stream_raw?start=${today}&end=${today}`;
      const first = await get(server, account.token, path);
      assert.equal(first.status, 200);
      await new Promise((resolve) => setTimeout(resolve, 2500));
      assert.deepEqual(await storedResults(server.dataDir), [], 'the expired results are gone');
      const second = await get(server, account.token, path);
      assert.equal(second.status, 200);
      assert.notEqual(second.headers.get('etag'), first.headers.get('etag'), 'a new job');
    } finally {
      await server.stop();
    }
  });
});

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

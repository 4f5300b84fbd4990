/**
 * The SDK against a real Cuepoint server on a real port: typed rows equal to what the server
 * serves, downloads in every format, token refresh on expiry, reporting keys, truncation, analytics,
 * and windows across a 14-month range (a stream concatenated, a summary refused).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import {
  AuthError,
  createClient,
  RateLimitError,
  ValidationError,
  type Client,
  type ClientOptions,
  type ReportRow,
} from '../src/client/index.js';
import { addDays } from '../src/domain/reports/dates.js';
import { splitRange } from '../src/domain/reports/windows.js';
import { setupAccount, type TestAccount } from './helpers/accounts.js';
import { playerEvent, postEvents } from './helpers/http.js';
import { startTestServer, tempDir, type TestServer } from './helpers/server.js';

/** Temporary directories of this file, removed when it ends. */
const scratchDirs: string[] = [];
function scratch(prefix: string): string {
  const dir = tempDir(prefix);
  scratchDirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
});

const HIGH = { minute: 1000, hour: 10_000, day: 100_000 };

/** A fetch that records `path status` of every exchange. */
function counting(calls: string[]): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    calls.push(`${new URL(String(input)).pathname} ${response.status}`);
    return response;
  };
}

describe('client against a real server', { concurrency: true }, () => {
  let server: TestServer;
  let account: TestAccount;
  let ids = 0;
  const options = (over: ClientOptions = {}): ClientOptions => ({
    engagementUrl: server.url,
    clientId: account.clientId,
    clientSecret: account.clientSecret,
    ...over,
  });

  before(async () => {
    server = await startTestServer({ tokenTtlSeconds: 1 });
    account = await setupAccount(server, 'live', { limits: HIGH });
    const events = ['Load', 'Play', 'Pause'].map((action, i) =>
      playerEvent(
        {
          event_id: `live-${i}`,
          timestamp: new Date(Date.now() - 60_000 + i * 1000).toISOString(),
        },
        { 'Session ID': 's1', Action: action, 'Partner User ID': 'u1' },
      ),
    );
    assert.equal((await postEvents(server.url, account.writeKey, events)).status, 200);
  });
  after(() => server.stop());

  it('returns typed rows equal to the server JSON', async () => {
    const result = await createClient(options()).report('project_stream_raw', {
      projectIds: ['p1'],
    });
    const rows: ReportRow<'project_stream_raw'>[] = result.rows;
    assert.deepEqual(
      rows.map((r) => [r.project_id, r.session_id, r.user_id, r.action]),
      [
        ['p1', 's1', 'u1', 'load'],
        ['p1', 's1', 'u1', 'play'],
        ['p1', 's1', 'u1', 'pause'],
      ],
    );
    assert.equal(result.truncated, false);
    assert.deepEqual(result.windows, [
      { start: undefined, end: undefined, rows: 3, truncated: false },
    ]);
  });

  it('downloads CSV to a file (through a temporary name) and NDJSON to a stream', async () => {
    const client = createClient(options());
    const dir = scratch('cuepoint-dl-');
    const file = join(dir, 'stream.csv');
    const csv = await client.download('project_stream_raw', { format: 'csv', to: file });
    assert.equal(csv.rows, 3);
    const text = readFileSync(file, 'utf8');
    assert.equal(csv.bytes, Buffer.byteLength(text));
    assert.match(text, /^project_id,project_title,timestamp,session_id,user_id,action,/);
    assert.equal(text.trimEnd().split('\n').length, 4);
    assert.deepEqual(readdirSync(dir), ['stream.csv'], 'no temporary file left');
    const sink = new PassThrough();
    let ndjson = '';
    sink.on('data', (chunk: Buffer) => (ndjson += chunk.toString()));
    await client.download('project_stream_raw', { format: 'ndjson', to: sink });
    assert.deepEqual(
      ndjson
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { action: string }).action),
      ['load', 'play', 'pause'],
    );
  });

  it('refreshes a token before it expires (1-second tokens)', async () => {
    const calls: string[] = [];
    const client = createClient(options({ fetch: counting(calls) }));
    await client.report('project_stream_raw');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await client.report('project_stream_raw');
    const tokens = calls.filter((call) => call === '/v4/access_token 200').length;
    // The first report's poll after Retry-After (1 s) already needs a new token.
    assert.ok(tokens >= 2, `${tokens} tokens`);
    assert.deepEqual(
      calls.filter((call) => call.endsWith(' 401')),
      [],
      'refreshed before, not after, expiry',
    );
  });

  it('reads reports with a reporting API key, and maps credential failures to AuthError', async () => {
    const { key } = await server.admin.createKey({ account: account.accountId, type: 'reporting' });
    const rows = (
      await createClient({ engagementUrl: server.url, apiKey: key }).report('project_stream_raw')
    ).rows;
    assert.equal(rows.length, 3);
    await assert.rejects(
      createClient({ engagementUrl: server.url, apiKey: 'cpr_nope' }).report('chapter_summary'),
      AuthError,
    );
    await assert.rejects(
      createClient(options({ clientSecret: 'wrong' })).report('chapter_summary'),
      (error: unknown) => {
        assert.ok(error instanceof AuthError);
        assert.equal(error.code, 'invalid_client');
        assert.equal(error.status, 401);
        return true;
      },
    );
  });

  it('says when the account must be named, with the server message', async () => {
    const other = await setupAccount(server, `second${++ids}`);
    const both = await server.admin.createCredential({
      accounts: [account.accountId, other.accountId],
      scopes: ['video-cloud/interactivity/read'],
    });
    const client = createClient({
      engagementUrl: server.url,
      clientId: both.client_id,
      clientSecret: both.client_secret,
    });
    await assert.rejects(client.report('chapter_summary'), (error: unknown) => {
      assert.ok(error instanceof ValidationError);
      assert.equal(error.status, 400);
      assert.match(error.message, /account_id is required/);
      return true;
    });
    const rows = (await client.report('project_stream_raw', { accountId: account.accountId })).rows;
    assert.equal(rows.length, 3);
  });

  it('stops with RateLimitError when the account has no slot left before the deadline', async () => {
    const limited = await setupAccount(server, `limited${++ids}`, {
      limits: { minute: 1, hour: 10, day: 10 },
    });
    const client = createClient(
      options({ clientId: limited.clientId, clientSecret: limited.clientSecret }),
    );
    await client.report('chapter_summary');
    const started = Date.now();
    await assert.rejects(
      client.report('poll_widget_summary', { timeoutMs: 10_000 }),
      (error: unknown) => {
        assert.ok(error instanceof RateLimitError);
        assert.equal(error.status, 429);
        assert.ok(
          (error.retryAfter ?? 0) > 10,
          'the minute window frees its slot in about a minute',
        );
        assert.match(error.message, /rate limit/);
        return true;
      },
    );
    assert.ok(Date.now() - started < 2000, 'no point sleeping into the timeout');
  });

  it('calls the analytics reports with the account in the path', async () => {
    const client = createClient(options({ accountId: account.accountId }));
    const { result } = await client.analytics('quiz/actions');
    assert.deepEqual(result, []);
    await assert.rejects(
      client.analytics('quiz/project/summary', { projectId: 'nope' }),
      (error: unknown) => {
        assert.ok(error instanceof ValidationError);
        assert.equal(error.status, 404);
        assert.match(error.message, /project "nope" not found/);
        return true;
      },
    );
    await assert.rejects(
      createClient(options()).analytics('quiz/actions'),
      /an account is required/,
    );
  });
});

describe('truncation', () => {
  let server: TestServer;
  let client: Client;
  before(async () => {
    server = await startTestServer({ reportRowCap: 3 });
    const account = await setupAccount(server, 'capped');
    const events = Array.from({ length: 5 }, (_, i) =>
      playerEvent(
        { event_id: `c${i}`, timestamp: new Date(Date.now() - 60_000 + i).toISOString() },
        { 'Session ID': `s${i}` },
      ),
    );
    await postEvents(server.url, account.writeKey, events);
    client = createClient({
      engagementUrl: server.url,
      clientId: account.clientId,
      clientSecret: account.clientSecret,
    });
  });
  after(() => server.stop());

  it('says when a result was cut at the row cap', async () => {
    const result = await client.report('project_stream_raw');
    assert.equal(result.rows.length, 3);
    assert.equal(result.truncated, true);
    const sink = new PassThrough().resume();
    const download = await client.download('project_stream_raw', { format: 'csv', to: sink });
    assert.equal(download.truncated, true);
    assert.equal(download.rows, 3);
  });
});

describe('windows across 14 months', () => {
  let server: TestServer;
  let client: Client;
  const range = { start: '2023-01-01', end: '2024-02-29' };
  const expected: { timestamp: string; session_id: string }[] = [];
  const calls: string[] = [];

  before(async () => {
    server = await startTestServer();
    const account = await setupAccount(server, 'history', { limits: HIGH });
    // Two events a week, plus one on each side of every window edge, to catch gaps and overlaps.
    const times: string[] = [];
    for (let day = range.start; day <= range.end; day = addDays(day, 4))
      times.push(`${day}T12:00:00.000Z`);
    for (const w of splitRange(range))
      times.push(`${w.start}T00:00:00.000Z`, `${w.end}T23:59:59.999Z`);
    times.sort();
    const raw = times.map((timestamp, i) => ({
      event: 'Player Action',
      event_id: `h${i}`,
      timestamp,
      properties: { 'Project ID': 'p1', 'Session ID': `s${i}`, Action: 'Play' },
    }));
    const imported = await server.admin.importEvents(account.accountId, raw);
    assert.equal(imported.accepted, raw.length);
    for (const [i, timestamp] of times.entries()) expected.push({ timestamp, session_id: `s${i}` });
    client = createClient({
      engagementUrl: server.url,
      clientId: account.clientId,
      clientSecret: account.clientSecret,
      fetch: counting(calls),
    });
  });
  after(() => server.stop());

  it('concatenates a stream report over windows into the rows of the whole range', async () => {
    const windows: string[] = [];
    const result = await client.report('project_stream_raw', {
      ...range,
      onStatus: (e) => {
        if (e.event === 'downloading')
          windows.push(`${e.window.index}/${e.window.count} ${e.window.start}…${e.window.end}`);
      },
    });
    assert.deepEqual(windows, [
      '1/3 2023-01-01…2023-02-27',
      '2/3 2023-02-28…2023-08-28',
      '3/3 2023-08-29…2024-02-29',
    ]);
    assert.deepEqual(
      result.rows.map((r) => ({ timestamp: r.timestamp, session_id: r.session_id })),
      expected,
    );
    assert.equal(result.windows.length, 3);
  });

  it('downloads the same range as one CSV with one header, and as one JSON array', async () => {
    const dir = scratch('cuepoint-win-');
    await client.download('project_stream_raw', {
      ...range,
      format: 'csv',
      to: join(dir, 'all.csv'),
    });
    const lines = readFileSync(join(dir, 'all.csv'), 'utf8').trimEnd().split('\n');
    assert.equal(lines.filter((l) => l.startsWith('project_id,')).length, 1);
    assert.equal(lines.length, expected.length + 1);
    await client.download('project_stream_raw', {
      ...range,
      format: 'json',
      to: join(dir, 'all.json'),
    });
    const rows = JSON.parse(readFileSync(join(dir, 'all.json'), 'utf8')) as {
      session_id: string;
    }[];
    assert.deepEqual(
      rows.map((r) => r.session_id),
      expected.map((e) => e.session_id),
    );
  });

  it('refuses a summary over the same range before sending anything', async () => {
    const before = calls.length;
    await assert.rejects(
      client.report('project_engagement_summary_raw', range),
      (error: unknown) => {
        assert.ok(error instanceof ValidationError);
        assert.equal(error.code, 'RANGE_TOO_LONG');
        assert.match(error.message, /is a summary.*cannot be added across them/s);
        return true;
      },
    );
    assert.equal(calls.length, before);
  });
});

/**
 * `cuepoint token|report|analytics` as a user runs them (the real bin, in a child process, stdout
 * and stderr pipes): data alone on stdout, nothing else on stderr in a pipe, `--json` status,
 * `--out` complete or absent, settings from flags, environment or a profile, and every exit code
 * of details.md §2.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createClient } from '../src/client/index.js';
import { setupAccount, type TestAccount } from './helpers/accounts.js';
import {
  gatewayError,
  pending,
  startFakeBrightcove,
  type FakeBrightcove,
} from './helpers/fake-brightcove.js';
import { playerEvent, postEvents } from './helpers/http.js';
import { BIN, cli } from './helpers/process.js';
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

async function serverWithEvents(id: string, overrides: Parameters<typeof startTestServer>[0] = {}) {
  const server = await startTestServer(overrides);
  const account = await setupAccount(server, id, { limits: HIGH });
  const events = ['Load', 'Play', 'Pause', 'Play', 'Pause'].map((action, i) =>
    playerEvent(
      { event_id: `${id}-${i}`, timestamp: new Date(Date.now() - 60_000 + i * 1000).toISOString() },
      { 'Session ID': 's1', Action: action },
    ),
  );
  assert.equal((await postEvents(server.url, account.writeKey, events)).status, 200);
  return { server, account };
}

describe('cuepoint report, token, analytics', { concurrency: true }, () => {
  let server: TestServer;
  let account: TestAccount;
  let capped: { server: TestServer; account: TestAccount };
  let fake: FakeBrightcove;
  let accounts = 0;
  const connection = (a: TestAccount = account) => [
    '--base-url',
    `${server.url}/api/reports/v2/`,
    '--client-id',
    a.clientId,
    '--client-secret',
    a.clientSecret,
  ];

  before(async () => {
    ({ server, account } = await serverWithEvents('cli'));
    capped = await serverWithEvents('capped', { reportRowCap: 3 });
    fake = await startFakeBrightcove();
  });
  after(async () => {
    await Promise.all([server.stop(), capped.server.stop(), fake.close()]);
  });

  it('writes the data alone to stdout in a pipe, and nothing to stderr', async () => {
    const run = await cli(['report', 'project_stream_raw', '--format', 'csv', ...connection()]);
    assert.equal(run.stderr, '');
    assert.equal(run.code, 0);
    const lines = run.stdout.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^project_id,project_title,timestamp,/);
    assert.equal(lines.length, 6);
  });

  it('writes --out through a temporary file, the format from its extension', async () => {
    const dir = scratch('cuepoint-cli-');
    const out = join(dir, 'actions.ndjson');
    const run = await cli(['report', 'project_stream_raw', '--out', out, ...connection()]);
    assert.deepEqual([run.code, run.stdout, run.stderr], [0, '', '']);
    const actions = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { action: string }).action);
    assert.deepEqual(actions, ['load', 'play', 'pause', 'play', 'pause']);
    assert.deepEqual(readdirSync(dir), ['actions.ndjson']);
  });

  it('prints status events as NDJSON on stderr with --json', async () => {
    const run = await cli(['report', 'chapter_summary', '--json', ...connection()]);
    assert.equal(run.code, 0);
    assert.deepEqual(JSON.parse(run.stdout), []);
    const events = run.stderr
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; elapsedMs: number });
    assert.equal(events[0]?.event, 'queued');
    assert.deepEqual(
      events.slice(-2).map((e) => e.event),
      ['downloading', 'done'],
    );
    assert.ok(events.every((e) => typeof e.elapsedMs === 'number'));
  });

  it('takes its settings from the environment or a profile file', async () => {
    const env = {
      CUEPOINT_BASE_URL: server.url,
      CUEPOINT_CLIENT_ID: account.clientId,
      CUEPOINT_CLIENT_SECRET: account.clientSecret,
      XDG_CONFIG_HOME: scratch('cuepoint-xdg-'),
    };
    const fromEnv = await cli(['report', 'project_stream_raw', '--format', 'ndjson'], env);
    assert.equal(fromEnv.code, 0, fromEnv.stderr);
    assert.equal(fromEnv.stdout.trim().split('\n').length, 5);
    const profile = join(scratch('cuepoint-profile-'), 'profile.json');
    writeFileSync(
      profile,
      JSON.stringify({
        base_url: server.url,
        client_id: account.clientId,
        client_secret: account.clientSecret,
      }),
      { mode: 0o600 },
    );
    const fromProfile = await cli(['token', '--profile', profile], {
      XDG_CONFIG_HOME: env.XDG_CONFIG_HOME,
    });
    assert.equal(fromProfile.code, 0, fromProfile.stderr);
    assert.match(fromProfile.stdout, /^\S{20,}\n$/);
    const json = await cli(['token', '--json', '--profile', profile]);
    assert.deepEqual(Object.keys(JSON.parse(json.stdout) as object), [
      'access_token',
      'token_type',
      'expires_in',
    ]);
  });

  it('prints an analytics report as JSON', async () => {
    const run = await cli([
      'analytics',
      'quiz-actions',
      '--account',
      account.accountId,
      ...connection(),
    ]);
    assert.deepEqual([run.code, run.stderr], [0, '']);
    assert.deepEqual(JSON.parse(run.stdout), []);
    const missing = await cli([
      'analytics',
      'quiz-summary',
      '--account',
      account.accountId,
      '--project',
      'nope',
      ...connection(),
    ]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /project "nope" not found in this account \(HTTP 404/);
  });

  it('exits 0 with a warning when the result is truncated', async () => {
    const run = await cli([
      'report',
      'project_stream_raw',
      '--format',
      'csv',
      '--base-url',
      capped.server.url,
      '--client-id',
      capped.account.clientId,
      '--client-secret',
      capped.account.clientSecret,
    ]);
    assert.equal(run.code, 0);
    assert.equal(run.stdout.trimEnd().split('\n').length, 4, 'header and 3 rows');
    assert.match(
      run.stderr,
      /^cuepoint: warning: the result was truncated at the server's row cap \(3 rows kept\)/,
    );
  });

  it('exits 2 for usage and for the server 400/404, with its message', async () => {
    const unknown = await cli(['report', 'project_summary', ...connection()]);
    assert.equal(unknown.code, 2);
    assert.match(
      unknown.stderr,
      /no report named "project_summary"; valid names: project_engagement_summary_raw/,
    );
    const bad = await cli([
      'report',
      'chapter_summary',
      '--start',
      '2024-02-30',
      '--end',
      '2024-03-01',
      ...connection(),
    ]);
    assert.equal(bad.code, 2);
    assert.match(
      bad.stderr,
      /start must be a real date in the form YYYY-MM-DD, got "2024-02-30" \(HTTP 400 BAD_REQUEST\)/,
    );
    const option = await cli(['report', 'chapter_summary', '--bogus', '--json']);
    assert.equal(option.code, 2);
    assert.deepEqual(JSON.parse(option.stderr), {
      error: { code: 'USAGE', message: "unknown option '--bogus'" },
    });
    const summary = await cli([
      'report',
      'user_engagement_summary_raw',
      '--start',
      '2023-01-01',
      '--end',
      '2024-02-29',
      ...connection(),
    ]);
    assert.equal(summary.code, 2);
    assert.match(summary.stderr, /is a summary/);
    const none = await cli(['report', 'chapter_summary'], {
      XDG_CONFIG_HOME: scratch('cuepoint-xdg-'),
    });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no credentials/);
  });

  it('exits 3 when the credentials are refused', async () => {
    const run = await cli([
      'report',
      'chapter_summary',
      ...connection({ ...account, clientSecret: 'wrong' }),
    ]);
    assert.equal(run.code, 3);
    assert.equal(run.stderr, 'cuepoint: client authentication failed (HTTP 401 invalid_client)\n');
  });

  it('exits 4 when the rate limit still refuses at the deadline', async () => {
    const limited = await setupAccount(server, `limited${++accounts}`, {
      limits: { minute: 1, hour: 10, day: 10 },
    });
    await createClient({
      engagementUrl: server.url,
      clientId: limited.clientId,
      clientSecret: limited.clientSecret,
    }).report('chapter_summary');
    const run = await cli([
      'report',
      'poll_widget_summary',
      '--timeout',
      '5',
      ...connection(limited),
    ]);
    assert.equal(run.code, 4);
    assert.match(run.stderr, /rate limit .*beyond the deadline \(HTTP 429 TOO_MANY_REQUESTS\)/);
  });

  it('exits 5 on a timeout and leaves no file', async () => {
    const dir = scratch('cuepoint-cli-');
    fake.script(...Array.from({ length: 5 }, () => pending(1)));
    const { engagementUrl, tokenUrl, analyticsUrl, clientId, clientSecret } = fake.options;
    const run = await cli([
      'report',
      'project_stream_raw',
      '--timeout',
      '0.5',
      '--out',
      join(dir, 'r.csv'),
      '--base-url',
      engagementUrl,
      '--token-url',
      tokenUrl,
      '--analytics-url',
      analyticsUrl,
      '--client-id',
      clientId,
      '--client-secret',
      clientSecret,
    ]);
    assert.equal(run.code, 5);
    assert.equal(run.stderr, 'cuepoint: timed out after 0.5 s\n');
    assert.deepEqual(readdirSync(dir), []);
  });

  it('exits 5 at once when the token service hangs, leaving no request behind', async () => {
    const hanging = await startFakeBrightcove();
    hanging.scriptToken(() => undefined);
    try {
      const started = Date.now();
      const run = await cli(
        ['token', '--timeout', '0.5', '--token-url', hanging.options.tokenUrl],
        {
          CUEPOINT_CLIENT_ID: 'a',
          CUEPOINT_CLIENT_SECRET: 'b',
        },
      );
      assert.equal(run.code, 5);
      assert.equal(run.stderr, 'cuepoint: timed out after 0.5 s\n');
      // The abandoned token request would otherwise hold the process for its own 60 s.
      assert.ok(Date.now() - started < 20_000, 'the process did not wait for the hanging request');
    } finally {
      await hanging.close();
    }
  });

  it('exits 5 on Ctrl-C and leaves no file', async () => {
    const other = await startFakeBrightcove(pending(1));
    const dir = scratch('cuepoint-cli-');
    try {
      const { engagementUrl, tokenUrl, clientId, clientSecret } = other.options;
      const child = spawn(
        process.execPath,
        [
          BIN,
          'report',
          'project_stream_raw',
          '--json',
          '--out',
          join(dir, 'r.csv'),
          '--base-url',
          engagementUrl,
          '--token-url',
          tokenUrl,
        ],
        {
          env: {
            ...process.env,
            CUEPOINT_CLIENT_ID: clientId,
            CUEPOINT_CLIENT_SECRET: clientSecret,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stderr = '';
      let interrupted = false;
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (!interrupted && stderr.includes('"event":"queued"')) interrupted = child.kill('SIGINT');
      });
      const code = await new Promise((resolve) => child.on('exit', resolve));
      assert.equal(code, 5);
      assert.deepEqual(JSON.parse(stderr.trim().split('\n').at(-1) ?? ''), {
        error: { code: 'ABORTED', message: 'the request was aborted' },
      });
      assert.deepEqual(readdirSync(dir), []);
    } finally {
      await other.close();
    }
  });

  it('exits 6 on a server error, with its message', async () => {
    const other = await startFakeBrightcove(
      gatewayError(500, 'SERVER_ERROR', 'the report failed (request r9); retry in a minute'),
    );
    try {
      const run = await cli(
        [
          'report',
          'chapter_summary',
          '--base-url',
          other.options.engagementUrl,
          '--token-url',
          other.options.tokenUrl,
        ],
        {
          CUEPOINT_CLIENT_ID: other.options.clientId,
          CUEPOINT_CLIENT_SECRET: other.options.clientSecret,
        },
      );
      assert.equal(run.code, 6);
      assert.equal(
        run.stderr,
        'cuepoint: the report failed (request r9); retry in a minute (HTTP 500 SERVER_ERROR)\n',
      );
    } finally {
      await other.close();
    }
  });
});

/**
 * The SDK's pure parts: windows (checked against the server's own range rule), the retry policy,
 * endpoint resolution, body concatenation, and the CLI's settings resolution.
 */
import assert from 'node:assert/strict';
import { chmodSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { clientSettings, timeoutMs } from '../src/cli/client-config.js';
import { statusReporter } from '../src/cli/client-output.js';
import { formatFor } from '../src/cli/report.js';
import { joinBodies, type Chunks } from '../src/client/concat.js';
import {
  BRIGHTCOVE_ENDPOINTS,
  resolveEndpoints,
  analyticsReportUrl,
  engagementReportUrl,
} from '../src/client/endpoints.js';
import { ValidationError } from '../src/client/errors.js';
import { planWindows } from '../src/client/plan.js';
import { DEFAULT_TUNING, parseRetryAfter, retryDecision } from '../src/client/retry.js';
import { addDays } from '../src/domain/reports/dates.js';
import { parseReportQuery } from '../src/domain/reports/request.js';
import { splitRange } from '../src/domain/reports/windows.js';
import { tempDir } from './helpers/server.js';

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

describe('windows', () => {
  const ranges: [string, string][] = [
    ['2023-01-01', '2024-02-29'],
    ['2023-08-31', '2024-08-31'],
    ['2020-02-29', '2024-12-31'],
    ['2024-01-01', '2024-07-01'],
    ['2024-03-05', '2024-03-05'],
  ];
  for (const [start, end] of ranges) {
    it(`splits ${start}…${end} into contiguous windows the server accepts`, () => {
      const windows = splitRange({ start, end });
      assert.equal(windows[0]?.start, start);
      assert.equal(windows.at(-1)?.end, end);
      for (const [i, w] of windows.entries()) {
        assert.doesNotThrow(() => parseReportQuery(`start=${w.start}&end=${w.end}`, '2030-01-01'));
        if (i > 0) assert.equal(w.start, addDays(windows[i - 1]!.end, 1));
        // As long as allowed: one day more would be refused (all but the first, short one).
        if (i > 0)
          assert.throws(() =>
            parseReportQuery(`start=${addDays(w.start, -1)}&end=${w.end}`, '2030-01-01'),
          );
      }
    });
  }

  it('plans one request within six months, windows for a long stream, and refuses a long summary', () => {
    assert.deepEqual(
      planWindows('project_stream_raw', { start: '2024-01-01', end: '2024-06-30' }),
      [{ start: '2024-01-01', end: '2024-06-30' }],
    );
    assert.deepEqual(planWindows('project_stream_raw', {}), [{ start: undefined, end: undefined }]);
    assert.equal(
      planWindows('signin_widget_detail', { start: '2023-01-01', end: '2024-02-29' }).length,
      3,
    );
    // Without an end, "today" is the end.
    assert.equal(
      planWindows('user_stream_raw', { start: '2024-01-01' }, new Date('2025-03-01T12:00:00Z')).at(
        -1,
      )?.end,
      '2025-03-01',
    );
    // Malformed dates go to the server, whose 400 names them.
    assert.deepEqual(
      planWindows('project_engagement_summary_raw', { start: '2024-02-30', end: '2025-01-01' }),
      [{ start: '2024-02-30', end: '2025-01-01' }],
    );
    assert.throws(
      () =>
        planWindows('project_engagement_summary_raw', { start: '2023-01-01', end: '2024-02-29' }),
      (error: unknown) =>
        error instanceof ValidationError &&
        error.code === 'RANGE_TOO_LONG' &&
        /summary/.test(error.message) &&
        /cannot be added/.test(error.message) &&
        /start on or after 2023-08-29/.test(error.message),
    );
  });
});

describe('retry policy', () => {
  const noJitter = () => 0;
  const fullJitter = () => 0.999;
  const tuning = DEFAULT_TUNING;

  it('polls a 202 after its Retry-After (stretched, never shortened), capped at maxDelayMs', () => {
    assert.deepEqual(retryDecision({ status: 202, retryAfterMs: 2000 }, 1, tuning, noJitter), {
      retry: true,
      delayMs: 2000,
      reason: 'pending',
    });
    const stretched = retryDecision({ status: 202, retryAfterMs: 2000 }, 1, tuning, fullJitter);
    assert.ok(stretched.retry && stretched.delayMs > 2000 && stretched.delayMs < 2400);
    assert.deepEqual(retryDecision({ status: 202, retryAfterMs: 600_000 }, 1, tuning, noJitter), {
      retry: true,
      delayMs: 30_000,
      reason: 'pending',
    });
    // Without Retry-After: capped exponential back-off, 250 ms, 500 ms, … with equal jitter.
    assert.deepEqual(retryDecision({ status: 202, retryAfterMs: undefined }, 1, tuning, noJitter), {
      retry: true,
      delayMs: 250,
      reason: 'pending',
    });
    assert.deepEqual(retryDecision({ status: 202, retryAfterMs: undefined }, 3, tuning, noJitter), {
      retry: true,
      delayMs: 1000,
      reason: 'pending',
    });
    assert.deepEqual(
      retryDecision({ status: 202, retryAfterMs: undefined }, 30, tuning, noJitter),
      { retry: true, delayMs: 15_000, reason: 'pending' },
    );
  });

  it('waits a 429 out however long (the caller checks its deadline)', () => {
    assert.deepEqual(retryDecision({ status: 429, retryAfterMs: 3_600_000 }, 1, tuning, noJitter), {
      retry: true,
      delayMs: 3_600_000,
      reason: 'rate_limited',
    });
  });

  it('retries 502/504, 503 with Retry-After and connection failures a few times; nothing else', () => {
    for (const status of [502, 504] as const) {
      assert.equal(
        retryDecision({ status, retryAfterMs: undefined }, 3, tuning, noJitter).retry,
        true,
      );
      assert.equal(
        retryDecision({ status, retryAfterMs: undefined }, 4, tuning, noJitter).retry,
        false,
      );
    }
    assert.deepEqual(retryDecision({ status: 503, retryAfterMs: 5000 }, 1, tuning, noJitter), {
      retry: true,
      delayMs: 5000,
      reason: 'unavailable',
    });
    assert.equal(
      retryDecision({ status: 503, retryAfterMs: undefined }, 1, tuning, noJitter).retry,
      false,
      'an analytics report over its time',
    );
    assert.equal(retryDecision({ status: 'network' }, 3, tuning, noJitter).retry, true);
    assert.equal(retryDecision({ status: 'network' }, 4, tuning, noJitter).retry, false);
    for (const status of [200, 304, 400, 401, 403, 404, 405, 500]) {
      assert.equal(
        retryDecision({ status, retryAfterMs: 1000 }, 1, tuning, noJitter).retry,
        false,
        String(status),
      );
    }
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    assert.equal(parseRetryAfter('3'), 3000);
    assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 4000), 6000);
    assert.equal(parseRetryAfter(null), undefined);
    assert.equal(parseRetryAfter('soon'), undefined);
  });
});

describe('endpoints', () => {
  it('defaults to Brightcove, whose token service is on another host', () => {
    const e = resolveEndpoints({});
    assert.equal(e.engagement.href, BRIGHTCOVE_ENDPOINTS.engagementUrl);
    assert.equal(e.token.href, BRIGHTCOVE_ENDPOINTS.tokenUrl);
    assert.equal(
      engagementReportUrl(e, 'project_engagement_summary_raw').href,
      'https://interactivity-reporting.api.brightcove.com/api/reports/v2/project_engagement_summary_raw',
    );
    assert.equal(
      analyticsReportUrl(e, '6415650835001', 'quiz/actions').href,
      'https://interactivity.api.brightcove.com/v1/accounts/6415650835001/reports/quiz/actions',
    );
  });

  it('appends the report name once, with or without a trailing slash or a path', () => {
    for (const base of [
      'http://h:8080',
      'http://h:8080/',
      'http://h:8080/api/reports/v2',
      'http://h:8080/api/reports/v2/',
    ]) {
      assert.equal(
        engagementReportUrl(resolveEndpoints({ engagementUrl: base }), 'chapter_summary').href,
        'http://h:8080/api/reports/v2/chapter_summary',
      );
    }
  });

  it('derives the analytics and token URLs from a Cuepoint base, under its path prefix', () => {
    const e = resolveEndpoints({ engagementUrl: 'https://example.org/cuepoint/api/reports/v2/' });
    assert.equal(e.token.href, 'https://example.org/cuepoint/v4/access_token');
    assert.equal(
      analyticsReportUrl(e, 'a b', 'gradebook/summary').href,
      'https://example.org/cuepoint/v1/accounts/a%20b/reports/gradebook/summary',
    );
    const explicit = resolveEndpoints({
      engagementUrl: 'http://h/',
      tokenUrl: 'https://oauth.brightcove.com/v4/access_token',
    });
    assert.equal(explicit.token.href, 'https://oauth.brightcove.com/v4/access_token');
  });

  it('refuses a setting that is not an http(s) URL, naming it', () => {
    assert.throws(
      () => resolveEndpoints({ tokenUrl: 'oauth.brightcove.com' }),
      /tokenUrl is not a URL/,
    );
    assert.throws(
      () => resolveEndpoints({ engagementUrl: 'ftp://h/' }),
      /engagementUrl must be an http\(s\) URL/,
    );
  });
});

describe('joining windows', () => {
  const encoder = new TextEncoder();
  /** A body cut into chunks of `size` bytes, to cross every boundary. */
  async function* chunked(text: string, size: number): Chunks {
    const bytes = encoder.encode(text);
    for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
  }
  async function join(
    bodies: string[],
    format: 'csv' | 'json' | 'ndjson',
    size: number,
  ): Promise<string> {
    async function* parts() {
      for (const b of bodies) yield chunked(b, size);
    }
    let out = '';
    const decoder = new TextDecoder();
    for await (const chunk of joinBodies(parts(), format, bodies.length))
      out += decoder.decode(chunk, { stream: true });
    return out;
  }

  for (const size of [1, 2, 3, 7, 1000]) {
    it(`joins JSON arrays, CSV and NDJSON cut into ${size}-byte chunks`, async () => {
      const json = await join(
        ['[\n\t{"a":1},\n\t{"a":"]"}\n]\n', '[\n]\n', '[]', '  [{"a":3}]'],
        'json',
        size,
      );
      assert.deepEqual(JSON.parse(json), [{ a: 1 }, { a: ']' }, { a: 3 }]);
      assert.equal(
        await join(['a,b\n1,2\n', 'a,b\n', 'a,b\n3,"x\ny"\n'], 'csv', size),
        'a,b\n1,2\n3,"x\ny"\n',
      );
      assert.equal(await join(['{"a":1}\n', '', '{"a":2}'], 'ndjson', size), '{"a":1}\n{"a":2}\n');
    });
  }

  it('passes a single window through unchanged, and refuses a window that is not an array', async () => {
    assert.equal(await join(['[ {"a":1} ]  '], 'json', 2), '[ {"a":1} ]  ');
    await assert.rejects(join(['{"a":1}', '[]'], 'json', 3), /not a JSON array/);
    await assert.rejects(join(['[{"a":1}', '[]'], 'json', 3), /not a JSON array/);
  });
});

describe('CLI settings', () => {
  const home = scratch('cuepoint-home-');

  it('takes flags over the environment over the profile, and credentials from one place', async () => {
    const profile = join(home, 'p.json');
    writeFileSync(
      profile,
      JSON.stringify({
        base_url: 'http://profile/',
        client_id: 'pid',
        client_secret: 'psecret',
        account_id: 'pa',
      }),
      { mode: 0o600 },
    );
    const env = { CUEPOINT_BASE_URL: 'http://env/', CUEPOINT_API_KEY: 'envkey' };
    assert.deepEqual(await clientSettings({ profile }, {}, { home }), {
      engagementUrl: 'http://profile/',
      accountId: 'pa',
      clientId: 'pid',
      clientSecret: 'psecret',
    });
    assert.deepEqual(await clientSettings({ profile }, env, { home }), {
      engagementUrl: 'http://env/',
      accountId: 'pa',
      apiKey: 'envkey',
    });
    assert.deepEqual(
      await clientSettings(
        { profile, baseUrl: 'http://flag/', clientId: 'f', clientSecret: 's' },
        env,
        { home },
      ),
      {
        engagementUrl: 'http://flag/',
        accountId: 'pa',
        clientId: 'f',
        clientSecret: 's',
      },
    );
  });

  it('reads the default profile only when it exists, and names what is wrong', async () => {
    await assert.rejects(clientSettings({}, {}, { home }), /no credentials/);
    await assert.rejects(
      clientSettings({ clientId: 'x' }, { CUEPOINT_CLIENT_SECRET: 's' }, { home }),
      /command line gives a client ID but no client secret/,
    );
    await assert.rejects(
      clientSettings({ profile: join(home, 'missing.json') }, {}, { home }),
      /cannot read the profile/,
    );
    const bad = join(home, 'bad.json');
    writeFileSync(bad, JSON.stringify({ client_id: 'a', secret: 'b' }));
    await assert.rejects(
      clientSettings({ profile: bad }, {}, { home }),
      /unknown key "secret"; accepted: base_url/,
    );
    const xdg = join(home, 'xdg');
    const dir = join(xdg, 'cuepoint');
    (await import('node:fs')).mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'profile.json'), JSON.stringify({ api_key: 'k' }));
    chmodSync(join(dir, 'profile.json'), 0o644);
    const warnings: string[] = [];
    assert.deepEqual(
      await clientSettings({}, { XDG_CONFIG_HOME: xdg }, { home, warn: (w) => warnings.push(w) }),
      { apiKey: 'k' },
    );
    assert.match(warnings[0] ?? '', /readable by others; chmod 600/);
  });

  it('reads --format, else the --out extension, else json; and --timeout in seconds', () => {
    assert.equal(formatFor(undefined, undefined), 'json');
    assert.equal(formatFor(undefined, 'r.CSV'), 'csv');
    assert.equal(formatFor(undefined, 'r.jsonl'), 'ndjson');
    assert.equal(formatFor(undefined, 'r.txt'), 'json');
    assert.equal(formatFor('NDJSON', 'r.csv'), 'ndjson');
    assert.throws(() => formatFor('xml', undefined), /--format must be one of json, csv, ndjson/);
    assert.equal(timeoutMs('2.5', 10), 2500);
    assert.equal(timeoutMs(undefined, 10), 10_000);
    assert.throws(() => timeoutMs('-1', 10), /--timeout must be a number of seconds/);
  });
});

describe('CLI status output', () => {
  const window = { index: 2, count: 3, start: '2024-01-01', end: '2024-06-30' };
  const events = [
    {
      event: 'processing',
      report: 'user_stream_raw',
      window,
      requestId: 'r1',
      nextPollMs: 1000,
      elapsedMs: 5,
    },
    {
      event: 'downloading',
      report: 'user_stream_raw',
      window,
      bytes: 3 * 2 ** 20,
      rows: 10,
      elapsedMs: 9,
    },
  ] as const;

  function capture(isTTY: boolean) {
    const written: string[] = [];
    return { written, out: { isTTY, write: (text: string) => written.push(text) } };
  }

  it('redraws one progress line on a terminal, then clears it', () => {
    const { written, out } = capture(true);
    const status = statusReporter(false, out);
    for (const event of events) status.onStatus(event);
    status.stop();
    const clear = '\r\x1b[K';
    assert.ok(written.every((line) => line.startsWith(clear)));
    assert.match(
      written[0]?.slice(clear.length) ?? '',
      /^user_stream_raw \[window 2\/3 2024-01-01…2024-06-30\]: processing · \d+\.\d s$/,
    );
    assert.match(written[1] ?? '', /: downloading · 3\.0 MB · \d+\.\d s$/);
    assert.equal(written.at(-1), clear);
  });

  it('writes nothing but warnings in a pipe, and JSON lines with --json', () => {
    const pipe = capture(false);
    const quiet = statusReporter(false, pipe.out);
    for (const event of events) quiet.onStatus(event);
    quiet.warn('truncated');
    assert.deepEqual(pipe.written, ['cuepoint: warning: truncated\n']);
    const json = capture(true);
    const machine = statusReporter(true, json.out);
    for (const event of events) machine.onStatus(event);
    machine.warn('truncated');
    assert.deepEqual(
      json.written.map((line) => JSON.parse(line) as unknown),
      [...events, { event: 'warning', message: 'truncated' }],
    );
  });
});

describe('SDK layering', () => {
  it('imports nothing but Node built-ins, its own files and the pure domain', () => {
    // dist/test/… → the sources, which keep their `import type` lines (erased in dist).
    const dir = fileURLToPath(new URL('../../src/client/', import.meta.url));
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(join(dir, file), 'utf8');
      for (const [, from] of source.matchAll(/\bfrom '([^']+)'/g)) {
        assert.ok(
          from?.startsWith('node:') || from?.startsWith('./') || from?.startsWith('../domain/'),
          `${file} imports ${from}`,
        );
      }
    }
  });
});

/**
 * The Studio's states, in Debian's headless Chromium against a real server with the demo data:
 * a report that is queued then processing (polled as Retry-After says), a 429 with the time to try
 * again, an expired token renewed with the credential kept in memory, a revoked credential that
 * brings back the sign-in form, a server error with a retry, an empty range — and a report of
 * 500,000 rows that the table pages and sorts without freezing the page.
 *
 * The page is served through a small proxy in front of the server: it passes everything through
 * except the 500,000-row report, which it makes up and streams as the server would. The other
 * answers the server cannot be made to give on demand (202, 429, 401, 500) are put in place by the
 * browser's request interception, one request at a time.
 *
 * A second server, whose tokens live two seconds, shows the token renewed before it expires.
 *
 * STUDIO_SCREENSHOTS=docs/screenshots also saves the queued report and the 429 there.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page, type Route } from 'playwright-core';
import { setupAccount } from './helpers/accounts.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const noBrowser = existsSync(CHROMIUM)
  ? false
  : `${CHROMIUM} is missing: apt-get install chromium (scripts/test.sh does)`;

const SHOTS = process.env.STUDIO_SCREENSHOTS;

const BIG_ROWS = 500_000;
const ACTIONS = ['load', 'play', 'pause', 'seek', 'annotation_view', 'quiz_answer', 'toc_click'];

/** One made-up project_stream_raw row (columns of reporting-api.md §1.2, in order). */
function streamRow(i: number): string {
  // Spread over 30 days, in no order, the earliest (i = 0) at 2026-01-01T00:00:00.000Z.
  const at = new Date(Date.UTC(2026, 0, 1) + ((i * 7919) % 86_400_000) * 30);
  return JSON.stringify({
    project_id: `p${i % 37}`,
    project_title: `Project ${i % 37}`,
    timestamp: at.toISOString(),
    session_id: `s${i >> 3}`,
    user_id: i % 5 === 0 ? null : `u${(i * 31) % 9973}`,
    action: ACTIONS[i % ACTIONS.length],
    video_offset_seconds: (i % 1200) / 2,
    video_percent_complete: (i % 10_000) / 100,
    annotation_id: i % 3 === 0 ? `a${i % 101}` : null,
    details: i % 3 === 0 ? `Question ${i % 11} → answer ${i % 4}` : null,
  });
}

/** Streams BIG_ROWS rows as NDJSON, minding back-pressure, with the headers of §1.3. */
function sendBigReport(res: ServerResponse): void {
  res.writeHead(200, {
    'Content-Type': 'application/x-ndjson',
    'X-Report-Rows': String(BIG_ROWS),
    'X-Report-Generated-At': new Date().toISOString(),
  });
  let i = 0;
  const pump = () => {
    while (i < BIG_ROWS) {
      let chunk = '';
      for (const end = Math.min(BIG_ROWS, i + 2000); i < end; i++) chunk += streamRow(i) + '\n';
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    res.end();
  };
  pump();
}

/** Passes requests to `target`, but answers the big report itself. */
function proxy(target: string): Server {
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', target);
    if (
      url.pathname === '/api/reports/v2/project_stream_raw' &&
      url.searchParams.get('format') === 'ndjson'
    ) {
      req.resume();
      return sendBigReport(res);
    }
    const upstream = httpRequest(
      url,
      { method: req.method, headers: { ...req.headers, host: url.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
}

const gateway = (status: number, code: string, message: string, headers = {}) => ({
  status,
  contentType: 'application/json',
  headers,
  body: JSON.stringify([{ error_code: code, message }]),
});

/** Intercepts GETs of one engagement report; `answer` decides per request (undefined: pass on). */
async function onReport(
  page: Page,
  report: string,
  answer: (n: number, route: Route) => Parameters<Route['fulfill']>[0] | undefined,
) {
  let n = 0;
  await page.route(
    (url) => url.pathname === `/api/reports/v2/${report}`,
    async (route) => {
      const fulfilled = answer(n++, route);
      if (fulfilled) await route.fulfill(fulfilled);
      else await route.continue();
    },
  );
}

describe('Studio states, in a browser', { skip: noBrowser }, () => {
  let server: TestServer;
  let front: Server;
  let base: string;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const tokenRequests: number[] = [];

  const open = (report: string) => page.click(`.report-nav button[data-report="${report}"]`);
  /** The report states shown since the last call, in order (see `watchStates`). */
  const states = () =>
    page.evaluate(() => {
      const w = window as unknown as { states: string[] };
      return w.states.splice(0);
    });
  const shot = async (name: string) => {
    if (!SHOTS) return;
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, `${name}.png`) });
  };
  const signIn = async (clientId: string, clientSecret: string) => {
    await page.getByLabel('Client ID', { exact: true }).fill(clientId);
    await page.getByLabel('Client secret', { exact: true }).fill(clientSecret);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('[data-chart="plays-per-day"] .ct-point').first().waitFor({
      state: 'attached',
    });
  };

  before(async () => {
    server = await startTestServer();
    const demo = await server.admin.demo({ days: 30 });
    front = proxy(server.url);
    base = await listen(front);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('request', (r) => {
      if (r.url().endsWith('/v4/access_token')) tokenRequests.push(Date.now());
    });
    await page.goto(`${base}/studio`);
    // Every text the report state takes, however briefly: a test cannot poll for a state that
    // lasts a second on a busy machine, but a MutationObserver sees each one.
    await page.evaluate(() => {
      const w = window as unknown as { states: string[] };
      w.states = [];
      let last = '';
      new MutationObserver(() => {
        const text = document.querySelector('.run-status')?.textContent ?? '';
        if (text && text !== last) w.states.push(text);
        last = text;
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await signIn(demo.client_id, demo.client_secret);
  });
  after(async () => {
    await browser?.close();
    front?.close();
    await server?.stop();
  });

  it('shows queued, then processing, polling as Retry-After says', async () => {
    const asked: number[] = [];
    await onReport(page, 'experience_engagement_summary_raw', (n) => {
      asked.push(Date.now());
      const body = (status: string) =>
        JSON.stringify({
          status,
          report: 'experience_engagement_summary_raw',
          request_id: 'job-1',
          queued_at: new Date().toISOString(),
        });
      if (n === 0)
        return {
          status: 202,
          headers: { 'Retry-After': '1' },
          contentType: 'application/json',
          body: body('queued'),
        };
      if (n === 1)
        return {
          status: 202,
          headers: { 'Retry-After': '2' },
          contentType: 'application/json',
          body: body('processing'),
        };
      return undefined;
    });
    await open('experience_engagement_summary_raw');
    if (SHOTS) {
      await page.locator('.run-status[data-phase="queued"]').waitFor();
      await shot('report-queued');
    }
    await page.locator('[data-chart="plays-per-experience"] .ct-bar').first().waitFor({
      state: 'attached',
    });
    const shown = await states();
    const queued = shown.findIndex((s) => /^Queued: .*Elapsed 0:0\d.*every 1 s/.test(s));
    const processing = shown.findIndex((s) => /^Processing: .*every 2 s/.test(s));
    assert.ok(queued >= 0 && processing > queued, `states shown: ${JSON.stringify(shown)}`);
    // Then the real server's own 202 (a new job) and 200.
    assert.ok(asked.length >= 3);
    assert.ok(asked[1]! - asked[0]! >= 950, `polled after ${asked[1]! - asked[0]!} ms, not 1 s`);
    assert.ok(asked[2]! - asked[1]! >= 1950, `polled after ${asked[2]! - asked[1]!} ms, not 2 s`);
    await page.unrouteAll();
  });

  it('says when to try again after a 429', async () => {
    await onReport(page, 'signin_widget_summary', () =>
      gateway(429, 'TOO_MANY_REQUESTS', 'new-report limit reached: 4 a minute', {
        'Retry-After': '42',
      }),
    );
    await open('signin_widget_summary');
    const notice = page.locator('[data-error="rate-limited"]');
    await notice.waitFor();
    const text = (await notice.textContent()) ?? '';
    assert.match(text, /new-report limit reached: 4 a minute/);
    assert.match(text, /Try again at \d\d:\d\d:\d\d \(in (42|41) s\)/);
    assert.ok(await notice.getByRole('button', { name: /Try again in/ }).isDisabled());
    await shot('rate-limited');
    await page.unrouteAll();
  });

  it('renews an expired token with the kept credential and carries on', async () => {
    await onReport(page, 'chapter_summary', (n) =>
      n === 0 ? gateway(401, 'UNAUTHORIZED', 'the access token has expired') : undefined,
    );
    const before = tokenRequests.length;
    await open('chapter_summary');
    await page.locator('[data-chart="chapters"] .ct-bar').first().waitFor({ state: 'attached' });
    assert.equal(tokenRequests.length, before + 1);
    await page.unrouteAll();
  });

  it('shows a server error, and retries on request', async () => {
    let failing = true;
    await onReport(page, 'user_engagement_summary_raw', () =>
      failing
        ? gateway(500, 'SERVER_ERROR', 'the report failed (request job-9); retry in a minute')
        : undefined,
    );
    await open('user_engagement_summary_raw');
    const notice = page.locator('[data-error="server"]');
    await notice.waitFor();
    assert.match((await notice.textContent()) ?? '', /the report failed \(request job-9\)/);
    failing = false;
    await notice.getByRole('button', { name: 'Try again' }).click();
    await page.locator('.table-head [data-rows]').waitFor();
    await page.unrouteAll();
  });

  it('pages and sorts 500,000 rows without freezing the page', async (t) => {
    await page.evaluate(() => {
      const w = window as unknown as { longTasks: number[] };
      w.longTasks = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) w.longTasks.push(entry.duration);
      }).observe({ type: 'longtask' });
    });
    await states();
    const started = Date.now();
    await open('project_stream_raw');
    const count = page.locator('.pager-count');
    await count.filter({ hasText: 'of 500,000' }).waitFor({ timeout: 40_000 });
    const loaded = Date.now() - started;
    const longest = await page.evaluate(() =>
      Math.max(0, ...(window as unknown as { longTasks: number[] }).longTasks),
    );
    const shown = await states();
    // Rows were counted on screen while they arrived.
    assert.ok(
      shown.some(
        (s) => /^Reading rows: [\d,]+ of 500,000\./.test(s) && !/^Reading rows: 500,000/.test(s),
      ),
      `no partial count among ${JSON.stringify(shown)}`,
    );
    assert.equal(await count.textContent(), 'Rows 1–50 of 500,000');
    assert.equal(await page.locator('.data-table tbody tr').count(), 50);
    assert.ok(loaded < 30_000, `500,000 rows took ${loaded} ms`);
    // No single task kept the page from painting or answering for long.
    assert.ok(longest < 1_000, `a task held the page for ${longest} ms while reading`);

    const firstCell = page.locator('.data-table tbody tr').first().locator('td').nth(2);
    const sortStarted = Date.now();
    await page.locator('th button[title="timestamp"]').click();
    await page.locator('th[aria-sort="ascending"] button[title="timestamp"]').waitFor();
    const sorted = Date.now() - sortStarted;
    assert.equal(await firstCell.textContent(), '2026-01-01 00:00:00 UTC');
    assert.ok(sorted < 5_000, `sorting took ${sorted} ms`);
    await page.getByRole('button', { name: 'Last', exact: true }).click();
    assert.equal(await count.textContent(), 'Rows 499,951–500,000 of 500,000');
    t.diagnostic(
      `500,000 rows read in ${loaded} ms (longest task ${longest} ms), sorted in ${sorted} ms ` +
        `(tasks over 50 ms since: ${await page.evaluate(() => JSON.stringify((window as unknown as { longTasks: number[] }).longTasks))})`,
    );
  });

  it('says a range without data is empty', async () => {
    await open('daily_engagement_summary');
    await page.selectOption('select[name="range"]', 'custom');
    await page.fill('input[name="start"]', '2025-01-01');
    await page.fill('input[name="end"]', '2025-01-31');
    await page.getByRole('button', { name: 'Apply' }).click();
    const empty = page.locator('[data-empty="true"]');
    await empty.waitFor();
    assert.match((await empty.textContent()) ?? '', /No data from 2025-01-01 to 2025-01-31/);
  });

  it('brings back the sign-in form when the credential is revoked', async () => {
    const credential = await server.admin.createCredential({ accounts: ['demo'] });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(credential.client_id, credential.client_secret);
    await server.admin.revokeCredential(credential.client_id);
    await open('project_engagement_summary_raw');
    const message = page.locator('.signin [role="status"]');
    await message.waitFor();
    assert.match((await message.textContent()) ?? '', /Your session has ended .*Sign in again\./);
  });

  it('raised no error in the page', () => {
    assert.deepEqual(pageErrors, []);
  });
});

describe('Studio with tokens that live two seconds', { skip: noBrowser }, () => {
  let server: TestServer;
  let browser: Browser;

  before(async () => {
    server = await startTestServer({ tokenTtlSeconds: 2 });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('renews the token before it expires, with the credential kept in memory', async () => {
    const account = await setupAccount(server, 'acme');
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const tokens: number[] = [];
    const refused: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/v4/access_token')) tokens.push(Date.now());
    });
    page.on('response', (r) => {
      if (r.status() === 401) refused.push(r.url());
    });
    await page.goto(`${server.url}/studio`);
    await page.getByLabel('Client ID', { exact: true }).fill(account.clientId);
    await page.getByLabel('Client secret', { exact: true }).fill(account.clientSecret);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // A new account: no events, so an empty range, said so.
    await page.locator('[data-empty="true"]').waitFor();
    const before = tokens.length;
    await new Promise((resolve) => setTimeout(resolve, 2_200));
    await page.click('.report-nav button[data-report="project_engagement_summary_raw"]');
    await page
      .locator('[data-report="project_engagement_summary_raw"] [data-empty="true"]')
      .waitFor();
    // A new token was asked for before the old one lapsed: the server never refused one.
    assert.ok(tokens.length > before);
    assert.deepEqual(refused, []);
    await page.close();
  });
});

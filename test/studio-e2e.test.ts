/**
 * The Studio end to end: Debian's headless Chromium (never a downloaded browser) against a real
 * server seeded with the demo data. A person's path through it — sign in, the project summary and
 * its chart, the gradebook and one viewer's answers, the CSV download, a refused seven-month
 * range, a reporting key — each checked against what the API answers to the same request.
 *
 * STUDIO_SCREENSHOTS=docs/screenshots also saves a 1280×800 picture of each main view there
 * (the README shows them).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { addDays, dayOf, minusMonths } from '../src/domain/reports/dates.js';
import { tokenFor } from './helpers/accounts.js';
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

/** The Studio's default range: the last 30 days, today (UTC) included. */
const END = dayOf(new Date());
const START = addDays(END, -29);

describe('Studio in a browser, against the demo data', { skip: noBrowser }, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let clientId: string;
  let clientSecret: string;
  let token: string;
  const pageErrors: string[] = [];

  const api = async (path: string, init: RequestInit = {}) =>
    fetch(`${server.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, ...init.headers },
    });
  const reportPath = (report: string, format: string, start = START, end = END) =>
    `/api/reports/v2/${report}?start=${start}&end=${end}&format=${format}&account_id=demo`;
  const shot = async (name: string) => {
    if (!SHOTS) return;
    mkdirSync(SHOTS, { recursive: true });
    // Let the layout settle (Chartist draws on the next tick).
    await page.waitForTimeout(150);
    await page.screenshot({ path: join(SHOTS, `${name}.png`) });
  };
  const open = (report: string) => page.click(`.report-nav button[data-report="${report}"]`);

  before(async () => {
    server = await startTestServer();
    const demo = await server.admin.demo({ days: 30 });
    clientId = demo.client_id;
    clientSecret = demo.client_secret;
    token = await tokenFor(server, clientId, clientSecret);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('signs in with the client ID and secret, and keeps them out of storage', async () => {
    await page.goto(`${server.url}/studio`);
    await shot('sign-in');
    await page.getByLabel('Client ID', { exact: true }).fill(clientId);
    await page.getByLabel('Client secret', { exact: true }).fill(clientSecret);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // The first view: plays per day over the last 30 days, one point a day and series.
    const points = page.locator('[data-chart="plays-per-day"] .ct-series-b .ct-point');
    await points.nth(29).waitFor({ state: 'attached' });
    assert.equal(await points.count(), 30);
    assert.equal(await page.locator('select[name="account"]').inputValue(), 'demo');
    const stored = await page.evaluate(() => [
      localStorage.length,
      sessionStorage.length,
      document.cookie,
    ]);
    assert.deepEqual(stored, [0, 0, '']);
    await shot('plays-per-day');
  });

  it('runs the project summary: one bar per row of the API’s JSON', async () => {
    await open('project_engagement_summary_raw');
    const bars = page.locator('[data-chart="plays-per-project"] .ct-bar');
    await bars.first().waitFor({ state: 'attached' });
    const rows = (await (
      await api(reportPath('project_engagement_summary_raw', 'json'))
    ).json()) as unknown[];
    assert.ok(rows.length > 1, 'the demo has several projects');
    assert.equal(await bars.count(), rows.length);
    assert.equal(
      await page.locator('[data-chart="interaction-rate-per-project"] .ct-bar').count(),
      rows.length,
    );
    assert.equal(
      await page.locator('.table-head [data-rows]').getAttribute('data-rows'),
      String(rows.length),
    );
    await shot('project-engagement');
  });

  it('downloads the CSV, byte for byte the API’s', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    assert.equal(
      download.suggestedFilename(),
      `project_engagement_summary_raw_${START}_${END}.csv`,
    );
    const file = readFileSync((await download.path())!);
    const res = await api(reportPath('project_engagement_summary_raw', 'csv'));
    assert.equal(res.status, 200);
    const expected = Buffer.from(await res.arrayBuffer());
    assert.ok(file.equals(expected), 'the downloaded CSV differs from the API’s');
  });

  it('shows the gradebook and drills into one viewer’s answers', async () => {
    await open('gradebook/summary');
    const users = page.locator('button[data-user-id]');
    await users.first().waitFor();
    const summary = (await (
      await api(`/v1/accounts/demo/reports/gradebook/summary?start_time=${START}&end_time=${END}`)
    ).json()) as { result: { users: { user_id: string }[] } };
    assert.match(
      (await page.locator('.pager-count').textContent()) ?? '',
      new RegExp(`of ${summary.result.users.length.toLocaleString('en-US')}$`),
    );
    await shot('gradebook');

    const userId = (await users.first().getAttribute('data-user-id'))!;
    await users.first().click();
    const panel = page.locator(`.drilldown[data-user="${userId}"]`);
    await panel.locator('[data-answers]').waitFor();
    const answers = (await (
      await api(
        `/v1/accounts/demo/reports/gradebook/users/answers?start_time=${START}&end_time=${END}&user_id=${userId}&show_details=true`,
      )
    ).json()) as { result: { projects: { questions: unknown[] }[] }[] };
    const count = answers.result
      .flatMap((u) => u.projects)
      .reduce((n, p) => n + p.questions.length, 0);
    assert.ok(count > 0);
    assert.equal(await panel.locator('[data-answers]').getAttribute('data-answers'), String(count));
    assert.equal(await panel.locator('tbody tr').count(), count);
    // The heading takes focus, so a screen reader announces the new view.
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'drilldown-title');
    await shot('gradebook-user');
    await panel.getByRole('button', { name: /Back to the gradebook/ }).click();
    await users.first().waitFor();
  });

  it('marks the correct answer of each quiz question', async () => {
    await open('quiz/project/summary');
    const charts = page.locator('[data-chart="quiz-question"]');
    await charts.first().locator('.ct-bar').first().waitFor({ state: 'attached' });
    const n = await charts.count();
    assert.ok(n > 0);
    for (let i = 0; i < n; i++) {
      assert.ok((await charts.nth(i).locator('.ct-bar-marked').count()) >= 1, `question ${i}`);
    }
    await shot('quiz-summary');
  });

  it('shows the server’s reason for refusing a seven-month range', async () => {
    await open('project_engagement_summary_raw');
    await page.locator('[data-chart="plays-per-project"] .ct-bar').first().waitFor({
      state: 'attached',
    });
    const start = minusMonths(END, 7);
    await page.selectOption('select[name="range"]', 'custom');
    await page.fill('input[name="start"]', start);
    await page.fill('input[name="end"]', END);
    await page.getByRole('button', { name: 'Apply' }).click();
    const notice = page.locator('[data-error="bad-request"]');
    await notice.waitFor();
    const res = await api(reportPath('project_engagement_summary_raw', 'json', start, END));
    assert.equal(res.status, 400);
    const [{ message }] = (await res.json()) as [{ message: string }];
    assert.equal(await notice.locator('.server-message').textContent(), message);
    await shot('range-refused');
  });

  it('signs in with a reporting key after signing out', async () => {
    const { key } = await server.admin.createKey({ account: 'demo', type: 'reporting' });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Reporting API key').check();
    await page.getByLabel(/API key \(sent as/).fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('[data-chart="plays-per-day"] .ct-point').first().waitFor({
      state: 'attached',
    });
    assert.equal(await page.locator('.topbar .who').textContent(), 'Signed in with an API key');
  });

  it('raised no error in the page', () => {
    assert.deepEqual(pageErrors, []);
  });
});

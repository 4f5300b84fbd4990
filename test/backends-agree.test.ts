/**
 * Both backends print the same bytes for the same data (details.md §1). One server on DuckDB and
 * one on PostgreSQL get the same catalog and the same events — two weeks of demo traffic (every
 * kind of event, action and annotation) plus hand-made values that test the printing: quotes,
 * commas, `#`, line ends, control characters, non-ASCII text, formula-like text, custom
 * properties with nested nulls, numbers on rounding edges — and every report is compared byte for
 * byte in every format.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../src/config.js';
import { DEMO_ACCOUNT_ID, DEMO_CATALOG } from '../src/domain/demo/catalog.js';
import { demoEvents } from '../src/domain/demo/generate.js';
import {
  ANALYTICS_REPORTS,
  ENGAGEMENT_REPORT_NAMES,
  FORMATS,
} from '../src/domain/reports/columns.js';
import { startServer, type RunningServer } from '../src/server.js';
import { BACKEND, createTestDatabase, dropTestDatabase } from './helpers/backend.js';
import { send } from './helpers/http.js';
import { tempDir } from './helpers/server.js';

const skip =
  BACKEND === 'postgres'
    ? false
    : 'compares DuckDB with PostgreSQL: this file runs on the PostgreSQL pass (CUEPOINT_TEST_BACKEND=postgres)';

const DAY_MS = 86_400_000;
const now = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS - 3_600_000); // yesterday 23:00 UTC
const day = (offset: number) =>
  new Date(now.getTime() + offset * DAY_MS).toISOString().slice(0, 10);
const start = day(-13);
const end = day(0);

/** Values that the printing of each format must treat alike. */
const ODD_TEXTS = [
  'plain',
  'comma, inside',
  'quote " inside',
  '#hash',
  'line\nfeed',
  'carriage\rreturn',
  'tab\tinside',
  'ctl \u0001\u0008\u000b\u000c\u001f end',
  'back\\slash',
  'literal \\u001f text',
  'é ü 日本 😀',
  '=SUM(A1)',
  '-minus',
  '+plus',
  '@at',
  "single ' quote",
  '',
  ' ',
];
const ODD_NUMBERS = [0.00005, 1.0005, 2.675, 1e-7, 123456.78915, 0.125, 33.3333333, 99.995];

function oddEvents(): unknown[] {
  const at = (i: number) => new Date(now.getTime() - 2 * 3_600_000 + i * 1000).toISOString();
  const events: unknown[] = [];
  ODD_TEXTS.forEach((text, i) => {
    const props = {
      'Session ID': `odd-${i}`,
      'Project ID': `odd-project-${i % 3}`,
      'Project Title': text,
      'Partner User ID': text === '' ? 'empty' : text,
      'Video Duration': ODD_NUMBERS[i % ODD_NUMBERS.length]! * 100,
    };
    const number = ODD_NUMBERS[i % ODD_NUMBERS.length]!;
    events.push(
      { event: 'Player Action', timestamp: at(i * 10), properties: { ...props, Action: 'Load' } },
      {
        event: 'Player Action',
        timestamp: at(i * 10 + 1),
        properties: { ...props, Action: 'Play' },
      },
      {
        event: 'Player Action',
        timestamp: at(i * 10 + 2),
        properties: {
          ...props,
          Action: 'Progress',
          'Play Time Accrued': number,
          'Video Offset': number,
        },
      },
      {
        event: 'Annotation Action',
        timestamp: at(i * 10 + 3),
        properties: {
          ...props,
          'Annotation ID': `poll-${i % 2}`,
          'Annotation Type': 'poll',
          Action: 'Submit',
          Response: text,
          Prompt: text,
        },
      },
      {
        event: 'Annotation Action',
        timestamp: at(i * 10 + 4),
        properties: {
          ...props,
          'Annotation ID': `link-${i}`,
          'Annotation Type': 'hotlink',
          Action: `Custom ${i}`,
          'Odd Text': text,
          'Odd Number': number,
          'Nested Thing': { keep: text, drop: null, list: [1, null, text] },
          'Null Thing': null,
        },
      },
      {
        event: 'Annotation Action',
        timestamp: at(i * 10 + 5),
        properties: {
          ...props,
          'Annotation ID': `quiz-${i % 2}`,
          'Annotation Type': 'quiz',
          Action: 'Answer',
          Question: text,
          Answer: text,
          Correct: i % 2 === 0,
        },
      },
    );
  });
  return events;
}

async function seed(server: RunningServer): Promise<string> {
  const { admin, services } = server;
  await admin.createAccount({
    id: DEMO_ACCOUNT_ID,
    limits: { minute: 1000, hour: 1000, day: 1000 },
  });
  for (const project of DEMO_CATALOG.projects) {
    await services.catalog.createProject(DEMO_ACCOUNT_ID, project);
  }
  for (const { projectId, body } of DEMO_CATALOG.annotations) {
    await services.catalog.createAnnotation(DEMO_ACCOUNT_ID, projectId, body);
  }
  for (const experience of DEMO_CATALOG.experiences) {
    await services.catalog.createExperience(DEMO_ACCOUNT_ID, experience);
  }
  // One import at a time: both stores number the events in the same arrival order.
  const events = [...demoEvents({ seed: 11, days: 14, events: 12_000, now }), ...oddEvents()];
  for (let i = 0; i < events.length; i += 2000) {
    const result = await services.collector.importEvents(
      DEMO_ACCOUNT_ID,
      events.slice(i, i + 2000),
    );
    assert.deepEqual(result.rejected, []);
  }
  const credential = await admin.createCredential({
    accounts: [DEMO_ACCOUNT_ID],
    scopes: ['video-cloud/interactivity/all', 'video-cloud/analytics/read'],
  });
  const res = await send(`${server.url}/v4/access_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `grant_type=client_credentials&client_id=${credential.client_id}&client_secret=${credential.client_secret}`,
  });
  return (res.body as { access_token: string }).access_token;
}

/** Equal texts; else fails on the first line that differs, which says more than a 3 MB diff. */
function sameText(actual: string, expected: string, label: string): void {
  if (actual === expected) return;
  const a = actual.split('\n');
  const e = expected.split('\n');
  const line = a.findIndex((text, i) => text !== e[i]);
  assert.equal(a[line] ?? '(end)', e[line] ?? '(end)', `${label}, line ${line + 1}`);
  assert.equal(a.length, e.length, `${label}: line count`);
}

describe('DuckDB and PostgreSQL print the same bytes', { skip }, () => {
  const dataDir = tempDir();
  let databaseUrl: string;
  const servers: { name: string; server: RunningServer; token: string }[] = [];

  before(async () => {
    databaseUrl = await createTestDatabase();
    const base = { port: 0, logLevel: 'silent', reportWaitSeconds: 60 } as const;
    for (const [name, settings] of [
      ['duckdb', { dataDir }],
      ['postgres', { dataDir, databaseUrl }],
    ] as const) {
      const server = await startServer(loadConfig({ ...base, ...settings }), { logger: false });
      servers.push({ name, server, token: await seed(server) });
    }
  });

  after(async () => {
    for (const { server } of servers) await server.close();
    rmSync(dataDir, { recursive: true, force: true });
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  const fetchAll = (path: string) =>
    Promise.all(
      servers.map(async ({ server, token }) => {
        const res = await send(`${server.url}${path}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        assert.equal(res.status, 200, `${path}: ${res.text}`);
        return res;
      }),
    );

  for (const report of ENGAGEMENT_REPORT_NAMES) {
    it(`${report}: the same bytes in ${FORMATS.join(', ')}`, async () => {
      for (const format of FORMATS) {
        const [duck, postgres] = await fetchAll(
          `/api/reports/v2/${report}?start=${start}&end=${end}&format=${format}`,
        );
        assert.ok(duck!.text.length > (format === 'csv' ? 200 : 10), `${report} has rows`);
        sameText(postgres!.text, duck!.text, `${report} as ${format}`);
        assert.equal(postgres!.headers.get('content-length'), duck!.headers.get('content-length'));
        assert.equal(postgres!.headers.get('x-report-rows'), duck!.headers.get('x-report-rows'));
      }
    });
  }

  it('the analytics reports: the same JSON', async () => {
    const from = `${start}T00:00:00Z`;
    const to = `${end}T23:59:59Z`;
    for (const report of ANALYTICS_REPORTS) {
      const project = report === 'quiz/project/summary' ? `&project_id=odd-project-0` : '';
      const query = `start_time=${from}&end_time=${to}&show_details=true${project}`;
      const [duck, postgres] = await fetchAll(
        `/v1/accounts/${DEMO_ACCOUNT_ID}/reports/${report}?${query}`,
      );
      sameText(postgres!.text, duck!.text, report);
    }
  });
});

/**
 * The stream reports at the row cap: a job keeps the first rows in time order (`ts`, then `seq`)
 * and says the result was cut (reporting-api.md §1.3). The events a stream leaves out — `progress`,
 * and for the experience stream those that name no experience — do not count toward the cap, and
 * a tie on `ts` goes by arrival. The same events on a server with the default cap give the whole
 * report, whose first rows the cut one must be, every column. On PostgreSQL the cut server runs
 * the streams' first-rows text (`firstStreamEvents`) and the other the whole one, so each text is
 * checked against the other.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EngagementReportName } from '../src/domain/reports/columns.js';
import { REPORT_DEFINITIONS } from '../src/domain/reports/index.js';
import { plannedRows } from '../src/store/postgres/results.js';
import { BACKEND, databaseFor, sqlOn } from './helpers/backend.js';
import {
  at,
  daysAgo,
  session,
  startReportServer,
  type RawEvent,
  type ReportAccount,
  type ReportServer,
} from './helpers/reports.js';

const D = daysAgo(1);
const CAP = 5;
const LATER = 15;

/** The same account on each server: catalog and events, the tie sent in a later request. */
async function seed(acc: ReportAccount): Promise<void> {
  await acc.project({ id: 'p1', title: 'Birds', video_duration: 80 });
  await acc.experience({ id: 'x1', title: 'Course', type: 'slidesync', playlist: ['p1'] });
  const s1 = session({ session: 's1', project: 'p1', experience: 'x1', user: 'u1' }, D);
  const s2 = session({ session: 's2', project: 'p1', user: 'u2' }, D);
  const first: RawEvent[] = [
    s1.player('Load', '09:00:00'),
    s2.player('Load', '09:00:01'), // no experience
    s1.progress('09:00:02', 1), // never a row
    s1.player('Play', '09:00:03'),
    s2.progress('09:00:04', 1),
    s1.player('Pause', '09:00:05'),
    s1.player('Play', '09:00:07'),
    s1.player('Pause', '09:00:09'),
    s1.player('Play', '09:00:10'),
  ];
  // Later rows, enough that PostgreSQL's planner expects the cap to cut (see below).
  for (let i = 0; i < LATER; i++) {
    const t = `10:00:${String(i).padStart(2, '0')}`;
    first.push(s1.player(i % 2 === 0 ? 'Play' : 'Pause', t), s2.player('Play', t));
  }
  await acc.send(first);
  // Sent after the rest: the same time as s1's pause, a later `seq`.
  await acc.send([s2.player('Pause', '09:00:05')]);
}

describe('stream reports at the row cap', () => {
  let capped: ReportServer;
  let full: ReportServer;
  let cappedAcc: ReportAccount;
  let fullAcc: ReportAccount;

  before(async () => {
    [capped, full] = await Promise.all([
      startReportServer({ reportRowCap: CAP }),
      startReportServer(),
    ]);
    [cappedAcc, fullAcc] = await Promise.all([capped.account(), full.account()]);
    await Promise.all([seed(cappedAcc), seed(fullAcc)]);
    // PostgreSQL takes a stream's first-rows text when its planner expects twice the rows kept
    // (cap + 1), else the whole report's (src/store/postgres/results.ts): with statistics, the
    // capped server takes the first and the other server the second, so each is checked against
    // the other.
    if (BACKEND === 'postgres') await sqlOn(await databaseFor(capped.server.dataDir), 'ANALYZE');
  });
  after(() => Promise.all([capped.stop(), full.stop()]));

  type Cut = [session: string, time: string, action: string][];
  // The first rows of the project and user streams: every event but progress.
  const everyEvent: Cut = [
    ['s1', '09:00:00', 'load'],
    ['s2', '09:00:01', 'load'],
    ['s1', '09:00:03', 'play'],
    ['s1', '09:00:05', 'pause'],
    ['s2', '09:00:05', 'pause'],
  ];
  // Each report's first rows, and how many rows it has in all.
  const cases: [report: string, expected: Cut, all: number][] = [
    ['project_stream_raw', everyEvent, 8 + 2 * LATER],
    ['user_stream_raw', everyEvent, 8 + 2 * LATER],
    [
      'experience_stream_raw',
      [
        ['s1', '09:00:00', 'load'],
        ['s1', '09:00:03', 'play'],
        ['s1', '09:00:05', 'pause'],
        ['s1', '09:00:07', 'play'],
        ['s1', '09:00:09', 'pause'],
      ],
      6 + LATER,
    ],
  ];

  for (const [report, expected, all] of cases) {
    it(`${report}: the first ${CAP} rows, cut`, async () => {
      const query = { start: D, end: D };
      if (BACKEND === 'postgres') {
        const scope = {
          accountId: cappedAcc.id,
          start: D,
          end: D,
          projectIds: [],
          experienceIds: [],
        };
        const sql = REPORT_DEFINITIONS[report as EngagementReportName].sql(scope, 'postgres');
        const url = await databaseFor(capped.server.dataDir);
        const expectedRows = await plannedRows({ all: (text) => sqlOn(url, String(text)) }, sql);
        assert.ok(expectedRows >= 2 * (CAP + 1), `the planner expects ${expectedRows} rows`);
      }
      const cut = await cappedAcc.reportWithCap(report, query);
      const whole = await fullAcc.reportWithCap(report, query);
      assert.deepEqual(
        cut.rows.map((r) => [r.session_id, r.timestamp, r.action]),
        expected.map(([s, t, action]) => [s, at(D, t), action]),
      );
      assert.equal(cut.truncated, true);
      assert.equal(whole.truncated, false);
      assert.equal(whole.rows.length, all);
      assert.deepEqual(
        cut.rows,
        whole.rows.slice(0, CAP),
        'the full report’s first rows, every column',
      );
    });
  }
});

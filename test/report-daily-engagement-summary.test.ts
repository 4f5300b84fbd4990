/**
 * daily_engagement_summary over HTTP: one row per UTC day × project; a session counts on the day
 * of its first event in range, so the days add up to the project summary. Historic dates, loaded
 * through the admin import (reporting-api.md §1.2).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  session,
  startReportServer,
  type ReportAccount,
  type ReportServer,
} from './helpers/reports.js';

const REPORT = 'daily_engagement_summary';

describe(REPORT, () => {
  let fx: ReportServer;
  let acc: ReportAccount;

  before(async () => {
    fx = await startReportServer();
    acc = await fx.account();
    await acc.project({ id: 'p1', title: 'Birds', video_duration: 100 });
    await acc.annotation('p1', { id: 'ot1', type: 'ontime', title: 'Note' });
    const s1 = session({ session: 's1', project: 'p1', user: 'u1' }, '2024-02-28');
    const s2 = session({ session: 's2', project: 'p1', user: 'u2' }, '2024-02-29');
    const s3 = session({ session: 's3', project: 'p2', user: 'u1' }, '2024-02-29');
    const s4 = session({ session: 's4', project: 'p1', user: 'u3' }, '2024-03-01');
    await acc.importEvents([
      // s1 crosses midnight into the leap day: all of it counts on the 28th.
      s1.player('Load', '23:59:00'),
      s1.player('Play', '23:59:01'),
      s1.progress('23:59:31', 30),
      s1.progress('2024-02-29T00:00:31.000Z', 90),
      // s2 plays and sees an ontime note on the 29th.
      s2.player('Load', '12:00:00'),
      s2.player('Play', '12:00:01'),
      s2.view('ot1', null, '12:00:10'),
      s2.progress('12:00:41', 40),
      s3.player('Load', '13:00:00'),
      // s4 is on the day after the range.
      s4.player('Load', '00:00:00.000'),
    ]);
  });
  after(() => fx.stop());

  it('counts each session on the day it began', async () => {
    const rows = await acc.report(REPORT, { start: '2024-02-28', end: '2024-02-29' });
    assert.deepEqual(rows, [
      {
        date: '2024-02-28',
        project_id: 'p1',
        project_title: 'Birds',
        loads: 1,
        plays: 1,
        plays_with_interaction: 0,
        total_view_time_seconds: 90, // s1's largest accrued, reported after midnight
      },
      {
        date: '2024-02-29',
        project_id: 'p1',
        project_title: 'Birds',
        loads: 1,
        plays: 1,
        plays_with_interaction: 1, // s2's ontime view
        total_view_time_seconds: 40,
      },
      {
        date: '2024-02-29',
        project_id: 'p2',
        project_title: null,
        loads: 1,
        plays: 0,
        plays_with_interaction: 0,
        total_view_time_seconds: 0,
      },
    ]);
  });

  it('counts only the events inside the range', async () => {
    // From the 29th on, s1's events of the 28th are out: its session begins at 00:00:31 with a
    // progress event (no load, no play) and its largest accrued is still 90.
    const rows = await acc.report(REPORT, { start: '2024-02-29', end: '2024-03-01' });
    assert.deepEqual(
      rows.map((r) => [r.date, r.project_id, r.loads, r.plays, r.total_view_time_seconds]),
      [
        ['2024-02-29', 'p1', 1, 1, 130], // s1's tail (no load, no play, 90 s) + s2 (40 s)
        ['2024-02-29', 'p2', 1, 0, 0],
        ['2024-03-01', 'p1', 1, 0, 0], // s4 at 00:00:00.000 of the 1st
      ],
    );
  });
});

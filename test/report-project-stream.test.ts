/**
 * project_stream_raw over HTTP: the range edges to the millisecond, filters, a deleted project's
 * title (reporting-api.md §1.2, catalog.md).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  at,
  daysAgo,
  nextDay,
  session,
  startReportServer,
  type ReportAccount,
  type ReportServer,
} from './helpers/reports.js';

const REPORT = 'project_stream_raw';
const D = daysAgo(3);
const BEFORE = nextDay(D, -1);
const AFTER = nextDay(D);

describe(REPORT, () => {
  let fx: ReportServer;
  let acc: ReportAccount;

  before(async () => {
    fx = await startReportServer();
    acc = await fx.account();
    await acc.project({ id: 'p1', title: 'Birds', video_duration: 100 });
    const s1 = session({ session: 's1', project: 'p1', user: 'u1' }, D);
    const s2 = session({ session: 's2', project: 'p2', experience: 'x1' }, D);
    const x = session({ session: 's3', experience: 'x1', anon: 'anon-3' }, D);
    await acc.send([
      s1.player('Load', at(BEFORE, '23:59:59.999')), // out: before start
      s1.player('Play', at(D, '00:00:00.000'), { 'Video Offset': 0 }), // in: start, 00:00:00.000
      s1.player('Pause', at(D, '23:59:59.999'), { 'Video Offset': 50 }), // in: end, 23:59:59.999
      s1.player('Play', at(AFTER, '00:00:00.000')), // out: the next day
      // p2 is not in the catalog and no event names its title.
      s2.player('Load', '12:00:00'),
      // an experience-level event names no project
      x.player('Load', '12:30:00'),
    ]);
    // Deleting the project keeps its events, and reports keep its title.
    await acc.deleteProject('p1');
  });
  after(() => fx.stop());

  it('holds the events from start 00:00:00.000 to end 23:59:59.999, in time order', async () => {
    const rows = await acc.report(REPORT, { start: D, end: D });
    const none = { annotation_id: null, details: null };
    assert.deepEqual(rows, [
      {
        project_id: 'p1',
        project_title: 'Birds', // deleted from the catalog, still named
        timestamp: at(D, '00:00:00.000'),
        session_id: 's1',
        user_id: 'u1',
        action: 'play',
        video_offset_seconds: 0,
        video_percent_complete: 0,
        ...none,
      },
      {
        project_id: 'p2',
        project_title: null,
        timestamp: at(D, '12:00:00'),
        session_id: 's2',
        user_id: null,
        action: 'load',
        video_offset_seconds: null,
        video_percent_complete: null,
        ...none,
      },
      {
        project_id: null,
        project_title: null,
        timestamp: at(D, '12:30:00'),
        session_id: 's3',
        user_id: null, // an anonymous ID is not a user ID
        action: 'load',
        video_offset_seconds: null,
        video_percent_complete: null,
        ...none,
      },
      {
        project_id: 'p1',
        project_title: 'Birds',
        timestamp: at(D, '23:59:59.999'),
        session_id: 's1',
        user_id: 'u1',
        action: 'pause',
        video_offset_seconds: 50,
        video_percent_complete: 50, // 50 ÷ 100
        ...none,
      },
    ]);
  });

  it('takes in the neighbouring days when the range does', async () => {
    const rows = await acc.report(REPORT, { start: BEFORE, end: AFTER });
    assert.deepEqual(
      rows.map((r) => [r.timestamp, r.action]),
      [
        [at(BEFORE, '23:59:59.999'), 'load'],
        [at(D, '00:00:00.000'), 'play'],
        [at(D, '12:00:00'), 'load'],
        [at(D, '12:30:00'), 'load'],
        [at(D, '23:59:59.999'), 'pause'],
        [at(AFTER, '00:00:00.000'), 'play'],
      ],
    );
  });

  it('filters by project and by experience', async () => {
    const p2 = await acc.report(REPORT, { start: D, end: D, project_id: 'p2' });
    assert.deepEqual(
      p2.map((r) => [r.project_id, r.session_id]),
      [['p2', 's2']],
    );
    const x1 = await acc.report(REPORT, { start: D, end: D, experience_id: 'x1' });
    assert.deepEqual(
      x1.map((r) => [r.project_id, r.session_id]),
      [
        ['p2', 's2'],
        [null, 's3'],
      ],
    );
  });
});

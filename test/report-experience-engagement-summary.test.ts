/**
 * experience_engagement_summary_raw over HTTP: events belong to the experience they name (not to
 * the playlist's), every column computed on paper (reporting-api.md §3.1).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  daysAgo,
  session,
  startReportServer,
  type ReportAccount,
  type ReportServer,
} from './helpers/reports.js';

const REPORT = 'experience_engagement_summary_raw';
const D = daysAgo(3);

describe(REPORT, () => {
  let fx: ReportServer;
  let acc: ReportAccount;

  before(async () => {
    fx = await startReportServer();
    acc = await fx.account();
    await acc.project({ id: 'p1', title: 'One', video_duration: 100 });
    await acc.project({ id: 'p2', title: 'Two', video_duration: 200 });
    await acc.annotation('p1', { id: 'ot1', type: 'ontime', title: 'Note' });
    await acc.experience({ id: 'x1', title: 'Course', type: 'lesson', playlist: ['p1', 'p2'] });

    const s1 = session({ session: 's1', project: 'p1', experience: 'x1', user: 'u1' }, D);
    const s2 = session({ session: 's2', project: 'p2', experience: 'x1', user: 'u1' }, D);
    const s3 = session({ session: 's3', project: 'p1', experience: 'x1', anon: 'anon-3' }, D);
    const s4 = session({ session: 's4', project: 'p1', user: 'u2' }, D);
    const s5 = session({ session: 's5', project: 'p3', experience: 'x9', user: 'u3' }, D);
    const s6 = session({ session: 's6', experience: 'x9', user: 'u3' }, D);
    await acc.send([
      // s1: half of p1's 100 s, with an ontime view (an interaction).
      s1.player('Load', '10:00:00'),
      s1.player('Play', '10:00:01'),
      s1.progress('10:00:51', 50),
      s1.view('ot1', null, '10:00:20'),
      // s2: 300 s of p2's 200 s: 150 %, capped at 100.
      s2.player('Load', '11:00:00'),
      s2.player('Play', '11:00:01'),
      s2.progress('11:05:01', 300),
      // s3: loads only.
      s3.player('Load', '12:00:00'),
      // s4: p1 is in x1's playlist, but its events do not name x1: not x1's.
      s4.player('Load', '13:00:00'),
      s4.player('Play', '13:00:01'),
      s4.progress('13:01:01', 60),
      // x9 is not in the catalog; p3's duration is unknown.
      s5.player('Load', '14:00:00'),
      s5.player('Play', '14:00:01'),
      s5.progress('14:00:31', 30),
      // An experience-level event without a project: a load of its own session.
      s6.player('Load', '15:00:00'),
    ]);
  });
  after(() => fx.stop());

  it('counts the sessions of each experience and their percent viewed', async () => {
    const rows = await acc.report(REPORT, { start: D, end: D });
    assert.deepEqual(rows, [
      {
        experience_id: 'x1',
        experience_title: 'Course',
        experience_type: 'lesson',
        loads: 3, // s1, s2, s3 (s4 names no experience)
        plays: 2, // s1, s2
        play_rate: 0.6667, // 2 ÷ 3
        plays_with_interaction: 1, // s1's ontime view
        interaction_rate: 0.5, // 1 ÷ 2
        total_view_time_seconds: 350, // 50 + 300 + 0
        audience: 2, // u1 (s1, s2) and anon-3 (s3)
        percent_viewed: 75, // sessions with a play: s1 50 ÷ 100 = 50 %, s2 min(100, 150) = 100 % → 75
      },
      {
        experience_id: 'x9',
        experience_title: null, // not in the catalog
        experience_type: null,
        loads: 2, // s5 and s6
        plays: 1,
        play_rate: 0.5,
        plays_with_interaction: 0,
        interaction_rate: 0,
        total_view_time_seconds: 30,
        audience: 1, // u3
        percent_viewed: null, // p3's duration is unknown
      },
    ]);
  });

  it('filters by experience and by project', async () => {
    const x9 = await acc.report(REPORT, { start: D, end: D, experience_id: 'x9' });
    assert.deepEqual(
      x9.map((r) => r.experience_id),
      ['x9'],
    );
    // Only s2's events name p2.
    const p2 = await acc.report(REPORT, { start: D, end: D, project_id: 'p2' });
    assert.deepEqual(p2, [
      {
        experience_id: 'x1',
        experience_title: 'Course',
        experience_type: 'lesson',
        loads: 1,
        plays: 1,
        play_rate: 1,
        plays_with_interaction: 0,
        interaction_rate: 0,
        total_view_time_seconds: 300,
        audience: 1,
        percent_viewed: 100,
      },
    ]);
  });
});

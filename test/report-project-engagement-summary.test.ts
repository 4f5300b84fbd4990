/**
 * project_engagement_summary_raw over HTTP: hand-made sessions sent through the collector, every
 * column of every row computed on paper (reporting-api.md §3.1).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  annotationOf,
  at,
  daysAgo,
  nextDay,
  session,
  startReportServer,
  type ReportAccount,
  type ReportServer,
} from './helpers/reports.js';

const REPORT = 'project_engagement_summary_raw';
const D = daysAgo(2);

describe(REPORT, () => {
  let fx: ReportServer;
  let acc: ReportAccount;

  before(async () => {
    fx = await startReportServer();
    acc = await fx.account();
    await acc.project({
      id: 'p1',
      title: 'Birds',
      video_id: 'v1',
      video_duration: 200,
      tags: ['nature', 'audio'],
    });
    for (const [id, type] of [
      ['ot1', 'ontime'],
      ['pop1', 'pop'],
      ['q1', 'quiz'],
      ['toc1', 'contents'],
      ['bm1', 'bookmark'],
      ['poll1', 'poll'],
      ['hot1', 'hotlink'],
    ] as const) {
      await acc.annotation('p1', annotationOf(id, type));
    }

    const s1 = session({ session: 's1', project: 'p1', user: 'u1' }, D);
    const s2 = session({ session: 's2', project: 'p1', user: 'u1' }, D);
    const s3 = session({ session: 's3', project: 'p1', anon: 'anon-a' }, D);
    const s4 = session({ session: 's4', project: 'p1' }, D);
    const s5 = session({ session: 's5', project: 'p1', user: 'u2' }, D);
    const s6 = session({ session: 's6', project: 'p1', user: 'u3' }, D);
    const s7 = session({ session: 's7', project: 'p2', user: 'u1', experience: 'x1' }, D);
    const s8 = session({ session: 's8', project: 'p3', user: 'u4' }, D);
    await acc.send([
      // s1: a re-play in one session is one play; a quiz answer, a poll submit and a menu click.
      s1.player('Load', '10:00:00'),
      s1.player('Play', '10:00:01', { 'Play Time Accrued': 0 }),
      s1.player('Pause', '10:00:20'),
      s1.player('Play', '10:00:30'),
      s1.progress('10:00:50', 50),
      s1.progress('10:01:20', 80),
      s1.action('q1', 'quiz', 'Answer', '10:01:00', { Question: 'Which?', Answer: 'Tern' }),
      // a changed answer: engagement counts every answer, not only the latest
      s1.action('q1', 'quiz', 'Answer', '10:01:02', { Question: 'Which?', Answer: 'Gull' }),
      s1.action('poll1', 'poll', 'Submit', '10:01:05', { Response: 'Yes' }),
      s1.action('toc1', 'contents', 'Click', '10:01:10', { 'Target Annotation': 'bm1' }),
      // s2: player controls and a view of a pop are not interactions, even when the event
      // wrongly calls the pop `ontime` (the catalog's type wins).
      s2.player('Load', '11:00:00'),
      s2.player('Play', '11:00:01'),
      s2.player('Seek', '11:00:10'),
      s2.player('Volume', '11:00:11'),
      s2.player('Fullscreen', '11:00:12'),
      s2.progress('11:01:00', 60),
      s2.view('pop1', 'ontime', '11:00:30'),
      // s3: a view of an `ontime` annotation is an interaction, though the event says `pop`.
      s3.player('Load', '12:00:00'),
      s3.player('Play', '12:00:01'),
      s3.progress('12:00:41', 40),
      s3.view('ot1', 'pop', '12:00:20'),
      // s4: interacts without playing; a hotlink with a target_time is navigation, not a link;
      // img1 is not in the catalog, so the event's `image` counts.
      s4.player('Load', '13:00:00'),
      s4.action('hot1', 'hotlink', 'Click', '13:00:05', { 'Target Time': 30 }),
      s4.action('pop1', 'pop', 'Click', '13:00:06', { Target: 'https://example.com' }),
      s4.action('img1', 'image', 'Click', '13:00:07'),
      s4.action('bm1', 'bookmark', 'Click', '13:00:08'),
      // s5: 500 s of a 200 s video: 250 %, capped at 100.
      s5.player('Load', '14:00:00'),
      s5.player('Play', '14:00:01'),
      s5.progress('14:08:21', 500),
      // s6: loads and passes a chapter (not an interaction), never plays.
      s6.player('Load', '15:00:00'),
      s6.view('bm1', 'bookmark', '15:00:05'),
      // s7: p2 is not in the catalog: title, tags, video ID and duration come from its events,
      // the latest event that carries each.
      s7.player('Load', '16:00:00', {
        'Project Title': 'Old title',
        'Video ID': 'ev-v2',
        Tags: ['x'],
        'Video Duration': 100,
      }),
      s7.player('Play', '16:00:01', { 'Project Title': 'New title' }),
      s7.progress('16:00:26', 25),
      // s8: p3 is unknown to the catalog and its events name no duration; the session's load
      // happened before it reported (none in range): plays 1, loads 0.
      s8.player('Play', '17:00:00'),
      s8.progress('17:00:10', 10),
      s8.action('q9', 'quiz', 'Answer', '17:00:05'),
    ]);
  });
  after(() => fx.stop());

  it('counts loads, plays, interactions, view time, the four kinds and the audience', async () => {
    const rows = await acc.report(REPORT, { start: D, end: D });
    assert.deepEqual(rows, [
      {
        project_id: 'p1',
        project_title: 'Birds',
        project_tags: ['nature', 'audio'],
        video_id: 'v1',
        loads: 6, // s1–s6 each load once
        plays: 4, // s1 (played twice: one play), s2, s3, s5
        play_rate: 0.6667, // 4 ÷ 6
        plays_with_interaction: 2, // s1 (quiz, poll, menu), s3 (ontime view); s4 interacts but never plays
        interaction_rate: 0.5, // 2 ÷ 4
        total_view_time_seconds: 680, // max accrued per session: 80 + 60 + 40 + 0 + 500 + 0
        links: 2, // s4: pop1 click, img1 click
        navigation: 3, // s1 menu click, s4 hotlink with target_time, s4 bookmark action
        responses: 2, // s1's two answers to q1
        widgets: 1, // s1 poll submit
        audience: 5, // u1 (s1, s2), anon-a (s3), s4 (no IDs: its own viewer), u2, u3
        active_audience: 3, // u1, anon-a, s4
        passive_audience: 2, // u2, u3 (u3 never played)
        // active: u1 (80 + 60) ÷ 200 = 70 %, anon-a 40 ÷ 200 = 20 %, s4 0 % → (70 + 20 + 0) ÷ 3
        active_percent_viewed: 30,
        // passive who played: u2 only, min(100, 500 ÷ 200 × 100 = 250) = 100; u3 never played
        passive_percent_viewed: 100,
      },
      {
        project_id: 'p2',
        project_title: 'New title', // the latest title its events reported
        project_tags: ['x'],
        video_id: 'ev-v2',
        loads: 1,
        plays: 1,
        play_rate: 1,
        plays_with_interaction: 0,
        interaction_rate: 0,
        total_view_time_seconds: 25,
        links: 0,
        navigation: 0,
        responses: 0,
        widgets: 0,
        audience: 1, // u1 again: audiences are per project
        active_audience: 0,
        passive_audience: 1,
        active_percent_viewed: null, // no active viewers
        passive_percent_viewed: 25, // 25 ÷ 100 (the duration its events reported)
      },
      {
        project_id: 'p3',
        project_title: null,
        project_tags: null,
        video_id: null,
        loads: 0,
        plays: 1,
        play_rate: 0, // loads is 0: the rate is 0, not null
        plays_with_interaction: 1,
        interaction_rate: 1,
        total_view_time_seconds: 10,
        links: 0,
        navigation: 0,
        responses: 1, // q9: not in the catalog, the event says quiz
        widgets: 0,
        audience: 1,
        active_audience: 1,
        passive_audience: 0,
        active_percent_viewed: null, // duration unknown
        passive_percent_viewed: null,
      },
    ]);
  });

  it('filters by project and by experience, on the IDs the events name', async () => {
    const p2 = await acc.report(REPORT, { start: D, end: D, project_id: 'p3,p2' });
    assert.deepEqual(
      p2.map((r) => [r.project_id, r.loads, r.plays]),
      [
        ['p2', 1, 1],
        ['p3', 0, 1],
      ],
    );
    // Only s7 names experience x1.
    const x1 = await acc.report(REPORT, { start: D, end: D, experience_id: 'x1' });
    assert.deepEqual(
      x1.map((r) => [r.project_id, r.loads, r.plays, r.total_view_time_seconds, r.audience]),
      [['p2', 1, 1, 25, 1]],
    );
    const none = await acc.report(REPORT, {
      start: D,
      end: D,
      project_id: 'p1',
      experience_id: 'x1',
    });
    assert.deepEqual(none, []);
  });

  it('takes filter IDs literally, quotes and control characters included', async () => {
    const other = await fx.account();
    const s = session({ session: 'q1', project: "o'brien" }, D);
    await other.send([s.player('Load', '09:00:00')]);
    const quoted = await other.report(REPORT, { start: D, end: D, project_id: "o'brien" });
    assert.deepEqual(
      quoted.map((r) => [r.project_id, r.loads]),
      [["o'brien", 1]],
    );
    for (const id of ["x') OR ('1' = '1", 'nul\u0000id', 'back\\slash']) {
      assert.deepEqual(await other.report(REPORT, { start: D, end: D, project_id: id }), []);
    }
  });

  it('answers an empty array for a range without events', async () => {
    const rows = await acc.report(REPORT, { start: nextDay(D), end: nextDay(D) });
    assert.deepEqual(rows, []);
  });

  it("still shows a deleted project's title, tags and duration", async () => {
    const other = await fx.account();
    await other.project({ id: 'gone', title: 'Gone but named', tags: ['t'], video_duration: 50 });
    const s = session({ session: 'g1', project: 'gone', user: 'u1' }, D);
    await other.send([
      s.player('Load', '09:00:00', { 'Project Title': 'Event title' }),
      s.player('Play', '09:00:01'),
      s.progress('09:00:21', 20),
    ]);
    await other.deleteProject('gone');
    const rows = await other.report(REPORT, { start: D, end: D });
    assert.deepEqual(rows, [
      {
        project_id: 'gone',
        project_title: 'Gone but named', // the catalog's, though deleted, beats the event's
        project_tags: ['t'],
        video_id: null,
        loads: 1,
        plays: 1,
        play_rate: 1,
        plays_with_interaction: 0,
        interaction_rate: 0,
        total_view_time_seconds: 20,
        links: 0,
        navigation: 0,
        responses: 0,
        widgets: 0,
        audience: 1,
        active_audience: 0,
        passive_audience: 1,
        active_percent_viewed: null,
        passive_percent_viewed: 40, // 20 ÷ 50
      },
    ]);
  });

  it('counts only the events inside the range: a session cut by its edge can push a rate over 1', async () => {
    const other = await fx.account();
    const e1 = session({ session: 'e1', project: 'p1' }, D);
    const e2 = session({ session: 'e2', project: 'p1' }, D);
    const e3 = session({ session: 'e3', project: 'p1' }, D);
    await other.send([
      // e1 loads one millisecond before the range and plays on its first millisecond.
      e1.player('Load', at(nextDay(D, -1), '23:59:59.999')),
      e1.player('Play', '00:00:00.000'),
      e1.progress('00:00:10', 10),
      // e2 loads on the last millisecond of the range and plays after it.
      e2.player('Load', '23:59:59.999'),
      e2.player('Play', at(nextDay(D), '00:00:00.000')),
      e2.progress(at(nextDay(D), '00:00:30'), 30),
      // e3 loads the day before and plays inside.
      e3.player('Load', at(nextDay(D, -1), '23:00:00')),
      e3.player('Play', '00:10:00'),
      e3.progress('00:10:05', 5),
    ]);
    const rows = await other.report(REPORT, { start: D, end: D });
    assert.deepEqual(
      rows.map((r) => [r.loads, r.plays, r.play_rate, r.total_view_time_seconds, r.audience]),
      // loads: e2 only; plays: e1 and e3 → 2 ÷ 1 = 2; view time 10 + 0 + 5 (e2's 30 is after the end)
      [[1, 2, 2, 15, 3]],
    );
    const wide = await other.report(REPORT, { start: nextDay(D, -1), end: D });
    // Now e1's and e3's loads are in: 3 loads, 2 plays (e2's is still after the end) → 0.6667.
    assert.deepEqual(
      wide.map((r) => [r.loads, r.plays, r.play_rate]),
      [[3, 2, 0.6667]],
    );
  });
});

/**
 * user_engagement_summary_raw over HTTP: one row per viewer (a user ID, else the anonymous ID,
 * else the session), every column computed on paper (reporting-api.md §3.1).
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

const REPORT = 'user_engagement_summary_raw';
const D = daysAgo(2);

describe(REPORT, () => {
  let fx: ReportServer;
  let acc: ReportAccount;

  before(async () => {
    fx = await startReportServer();
    acc = await fx.account();
    const s1 = session({ session: 's1', project: 'p1', user: 'u1' }, D);
    const s2 = session({ session: 's2', project: 'p2', user: 'u1' }, D);
    const s3 = session({ session: 's3', project: 'p1', user: 'u1' }, D);
    const anonThenUser = session({ session: 's4', project: 'p1', anon: 'anon-z' }, D);
    const s4signedIn = session({ session: 's4', project: 'p1', user: 'u2', anon: 'anon-z' }, D);
    const s5 = session({ session: 's5', project: 'p1', anon: 'anon-y' }, D);
    const s6 = session({ session: 's6', project: 'p1', anon: 'anon-y' }, D);
    const s7 = session({ session: 's7', project: 'p1' }, D);
    const s8 = session({ session: 's8', project: 'p2', user: 'u3', username: 'Cy' }, D);
    await acc.send([
      // u1: three sessions on two projects; the username changes on the way.
      s1.player('Load', '10:00:00', { Username: 'Ann' }),
      s1.player('Play', '10:00:01'),
      s1.progress('10:00:31', 30),
      s1.action('pop1', 'pop', 'Click', '10:00:10'), // links
      s1.action('q1', 'quiz', 'Answer', '10:00:20'), // responses
      s2.player('Load', '12:00:00', { Username: 'Ann B.' }),
      s2.player('Play', '12:00:01'),
      s2.player('Play', '12:00:20'), // a re-play: still one play
      s2.progress('12:00:46', 45),
      s2.action('poll1', 'poll', 'Submit', '12:00:30', { Response: 'Yes' }), // widgets
      s2.action('toc1', 'contents', 'Click', '12:00:35', { Target: 'bm1' }), // navigation
      s3.player('Load', '14:00:00'),
      s3.view('bm1', 'bookmark', '14:00:05'),
      // s4: anonymous until the viewer signs in mid-session: the session is u2's.
      anonThenUser.player('Load', '09:00:00'),
      anonThenUser.player('Play', '09:00:01'),
      s4signedIn.progress('09:00:21', 20),
      // anon-y: two sessions from one browser, no user: one viewer.
      s5.player('Load', '08:00:00'),
      s5.player('Play', '08:00:01'),
      s5.progress('08:00:11', 10),
      s6.player('Load', '08:30:00'),
      s6.player('Play', '08:30:01'),
      s6.progress('08:30:16', 15),
      // s7: no user, no anonymous ID: a viewer of its own.
      s7.player('Load', '07:00:00'),
      // s8: loaded the day before (out of range), plays inside it.
      s8.player('Load', at(nextDay(D, -1), '23:59:58')),
      s8.player('Play', '00:00:05'),
      s8.progress('00:00:17', 12),
    ]);
  });
  after(() => fx.stop());

  it('sums each viewer’s sessions, ordered by user_id', async () => {
    const rows = await acc.report(REPORT, { start: D, end: D });
    const none = { links: 0, navigation: 0, responses: 0, widgets: 0 };
    assert.deepEqual(rows, [
      {
        user_id: 'anon-y', // no user ID: the anonymous ID
        username: null,
        time_watched_seconds: 25, // s5 10 + s6 15
        last_session: at(D, '08:30:00'), // the first event of s6, the latest session
        ...none,
        videos: 1, // p1
        plays: 2,
        sessions: 2,
      },
      {
        user_id: 's7', // neither: the session
        username: null,
        time_watched_seconds: 0,
        last_session: at(D, '07:00:00'),
        ...none,
        videos: 0,
        plays: 0,
        sessions: 1,
      },
      {
        user_id: 'u1',
        username: 'Ann B.', // the latest username it sent
        time_watched_seconds: 75, // 30 + 45 + 0
        last_session: at(D, '14:00:00'), // s3 began last
        links: 1,
        navigation: 1,
        responses: 1,
        widgets: 1,
        videos: 2, // played p1 and p2
        plays: 2, // s1, s2 (s3 only loaded)
        sessions: 3,
      },
      {
        user_id: 'u2', // s4's user ID appeared mid-session; its anonymous events are u2's too
        username: null,
        time_watched_seconds: 20,
        last_session: at(D, '09:00:00'), // s4's first event, sent before the sign-in
        ...none,
        videos: 1,
        plays: 1,
        sessions: 1,
      },
      {
        user_id: 'u3',
        username: 'Cy',
        time_watched_seconds: 12,
        last_session: at(D, '00:00:05'), // the first event of s8 inside the range
        ...none,
        videos: 1,
        plays: 1,
        sessions: 0, // its load was the day before
      },
    ]);
  });

  it('filters by project', async () => {
    const rows = await acc.report(REPORT, { start: D, end: D, project_id: 'p2' });
    assert.deepEqual(
      rows.map((r) => [r.user_id, r.time_watched_seconds, r.videos, r.plays, r.sessions]),
      [
        ['u1', 45, 1, 1, 1], // s2 only
        ['u3', 12, 1, 1, 0],
      ],
    );
  });

  it('includes the previous day when the range does', async () => {
    const rows = await acc.report(REPORT, { start: nextDay(D, -1), end: D });
    const u3 = rows.find((r) => r.user_id === 'u3');
    assert.deepEqual(u3, {
      user_id: 'u3',
      username: 'Cy',
      time_watched_seconds: 12,
      last_session: at(nextDay(D, -1), '23:59:58'), // s8's load now opens it
      links: 0,
      navigation: 0,
      responses: 0,
      widgets: 0,
      videos: 1,
      plays: 1,
      sessions: 1,
    });
  });

  // One session over midnight that moves to another project and signs in after midnight: its two
  // partials (day, project) must be combined — one session, one viewer (the user ID of its later
  // partial), its largest view time, both projects played — beside a second session of the user.
  it('combines the partials of a session over midnight with two projects', async () => {
    const other = await fx.account();
    const before = nextDay(D, -1);
    const m1p1 = session({ session: 'm1', project: 'p1', anon: 'anon-m' }, before);
    const m1p2 = session({ session: 'm1', project: 'p2', anon: 'anon-m', user: 'um' }, D);
    const m2 = session({ session: 'm2', project: 'p1', user: 'um', username: 'Mo2' }, D);
    await other.send([
      m1p1.player('Load', '23:50:00'),
      m1p1.player('Play', '23:50:01'),
      m1p1.action('pop1', 'pop', 'Click', '23:56:00'), // links
      m1p1.progress('23:55:00', 300),
      m2.player('Load', '00:01:00'),
      m2.player('Play', '00:01:01'),
      m2.progress('00:02:01', 60),
      m1p2.player('Play', '00:05:00', { Username: 'Mo' }), // the latest username: after m2's
      m1p2.action('q1', 'quiz', 'Answer', '00:06:00'), // responses
      m1p2.progress('00:10:00', 600),
    ]);
    const both = await other.report(REPORT, { start: before, end: D });
    assert.deepEqual(both, [
      {
        user_id: 'um', // m1's user ID, sent after midnight, makes the whole session um's
        username: 'Mo',
        time_watched_seconds: 660, // m1: max(300, 600); m2: 60
        last_session: at(D, '00:01:00'), // m2 began after m1 (23:50 the day before)
        links: 1,
        navigation: 0,
        responses: 1,
        widgets: 0,
        videos: 2, // p1 (m1 and m2), p2 (m1 only: the second project of a combined session)
        plays: 2,
        sessions: 2,
      },
    ]);
    // The day before alone: m1 is anonymous there.
    const dayBefore = await other.report(REPORT, { start: before, end: before });
    assert.deepEqual(
      dayBefore.map((r) => [r.user_id, r.time_watched_seconds, r.videos, r.plays, r.sessions]),
      [['anon-m', 300, 1, 1, 1]],
    );
    // The day itself: m1 has no load in it (one session) and plays p2 there, m2 p1.
    const day = await other.report(REPORT, { start: D, end: D });
    assert.deepEqual(
      day.map((r) => [r.user_id, r.time_watched_seconds, r.last_session, r.videos, r.sessions]),
      [['um', 660, at(D, '00:05:00'), 2, 1]],
    );
    // The project summary over both days: each project's audience is the one viewer um.
    const projects = await other.report('project_engagement_summary_raw', {
      start: before,
      end: D,
    });
    assert.deepEqual(
      projects.map((r) => [
        r.project_id,
        r.loads,
        r.plays,
        r.total_view_time_seconds,
        r.audience,
        r.active_audience,
      ]),
      [
        ['p1', 2, 2, 360, 1, 1], // m1's p1 partial (load, play, click, 300) and m2 (60)
        ['p2', 0, 1, 600, 1, 1], // m1's p2 partial: no load, a play, the quiz answer
      ],
    );
  });

  it('counts a session sent in two parts once, the first compacted before the second came', async () => {
    const other = await fx.account();
    const before = session({ session: 'k1', project: 'p1', anon: 'anon-k' }, D);
    const after = session({ session: 'k1', project: 'p1', anon: 'anon-k', user: 'uk' }, D);
    // `send` compacts first: the first part is its session's only partial (on PostgreSQL marked
    // alone) when the second arrives as a fresh one, and a report must combine the two.
    await other.send([
      before.player('Load', '10:00:00'),
      before.player('Play', '10:00:01'),
      before.progress('10:00:31', 30),
    ]);
    await other.send([
      after.player('Pause', '10:01:00', { Username: 'Kay' }),
      after.action('q1', 'quiz', 'Answer', '10:01:10'), // responses
      after.progress('10:01:21', 50),
    ]);
    assert.deepEqual(await other.report(REPORT, { start: D, end: D }), [
      {
        user_id: 'uk', // signed in in the second part: the whole session is uk's
        username: 'Kay',
        time_watched_seconds: 50, // max(30, 50)
        last_session: at(D, '10:00:00'),
        links: 0,
        navigation: 0,
        responses: 1,
        widgets: 0,
        videos: 1,
        plays: 1,
        sessions: 1,
      },
    ]);
    const projects = await other.report('project_engagement_summary_raw', { start: D, end: D });
    assert.deepEqual(
      projects.map((r) => [r.project_id, r.loads, r.plays, r.total_view_time_seconds, r.audience]),
      [['p1', 1, 1, 50, 1]],
    );
  });
});

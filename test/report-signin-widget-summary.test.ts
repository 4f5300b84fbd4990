/**
 * signin_widget_summary over HTTP: views, manual and automatic sign-ins, skips, distinct signed-in
 * viewers and the conversion rate (manual ÷ views), computed on paper (reporting-api.md §3.1).
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

const REPORT = 'signin_widget_summary';
const D = daysAgo(4);

describe(REPORT, () => {
  let fx: ReportServer;
  let acc: ReportAccount;

  before(async () => {
    fx = await startReportServer();
    acc = await fx.account();
    await acc.project({ id: 'p1', title: 'One' });
    await acc.annotation('p1', { id: 'si1', type: 'signin', title: 'Join us' });
    const s1 = session({ session: 's1', project: 'p1', anon: 'anon-1' }, D);
    const s1in = session({ session: 's1', project: 'p1', anon: 'anon-1', user: 'u1' }, D);
    const s2 = session({ session: 's2', project: 'p2', user: 'u1' }, D);
    const s3 = session({ session: 's3', project: 'p1', anon: 'anon-3' }, D);
    const s4 = session({ session: 's4', project: 'p2', user: 'u2' }, D);
    const s5 = session({ session: 's5', project: 'p1', user: 'u2' }, D);
    const s6 = session({ session: 's6', project: 'p1', user: 'u3' }, D);
    const s7 = session({ session: 's7', project: 'p3', anon: 'anon-7' }, D);
    const signIn = (s: typeof s1, t: string, props: Record<string, unknown>) =>
      s.action('si1', null, 'Submit', t, props);
    await acc.send([
      s1.view('si1', null, '10:00:00'),
      s2.view('si1', null, '10:01:00'),
      s3.view('si1', null, '10:02:00'),
      s4.view('si1', null, '10:03:00'),
      // s1 signs in by hand; its earlier anonymous view is u1's too.
      signIn(s1in, '10:00:10', { 'Sign In Type': 'Manual', Email: 'ann@example.com' }),
      // s2: u1 silently signed in again elsewhere.
      signIn(s2, '10:01:10', { 'Sign In Type': 'auto' }),
      // s3 skips: a submit, not a sign-in.
      signIn(s3, '10:02:10', { Skipped: true }),
      signIn(s4, '10:03:10', { 'Sign In Type': 'manual' }),
      signIn(s5, '10:04:10', { 'Sign In Type': 'auto' }),
      // s6 names no type: a sign-in by hand.
      signIn(s6, '10:05:10', {}),
      // si2 is not in the catalog: the events' type and text; viewed, never submitted.
      s7.view('si2', 'signin', '11:00:00', { Text: 'Sign in to comment' }),
      s7.view('si2', 'signin', '11:00:30'),
    ]);
  });
  after(() => fx.stop());

  it('counts views, sign-ins by type, skips and signed-in viewers', async () => {
    const rows = await acc.report(REPORT, { start: D, end: D });
    assert.deepEqual(rows, [
      {
        annotation_id: 'si1',
        project_ids: ['p1', 'p2', 'p1', 'p2', 'p1', 'p1'], // s1…s6 submits (s3's skip too), in time order
        title: 'Join us',
        views: 4,
        sign_ins_total: 5, // 3 manual + 2 auto
        sign_ins_manual: 3, // s1, s4, s6 (no type)
        sign_ins_auto: 2, // s2, s5
        skips: 1, // s3
        unique_users: 3, // u1 (s1, s2), u2 (s4, s5), u3 (s6)
        conversion_rate: 0.75, // 3 manual ÷ 4 views
      },
      {
        annotation_id: 'si2',
        project_ids: [], // no submits
        title: 'Sign in to comment', // no catalog entry: the event's text
        views: 2,
        sign_ins_total: 0,
        sign_ins_manual: 0,
        sign_ins_auto: 0,
        skips: 0,
        unique_users: 0,
        conversion_rate: 0, // views but no sign-ins
      },
    ]);
  });

  it('filters by project; conversion is 0 when there are no views', async () => {
    const rows = await acc.report(REPORT, { start: D, end: D, project_id: 'p2' });
    assert.deepEqual(rows, [
      {
        annotation_id: 'si1',
        project_ids: ['p2', 'p2'],
        title: 'Join us',
        views: 2, // s2, s4
        sign_ins_total: 2,
        sign_ins_manual: 1,
        sign_ins_auto: 1,
        skips: 0,
        unique_users: 2,
        conversion_rate: 0.5,
      },
    ]);
    const noViews = await fx.account();
    const s = session({ session: 'n1', project: 'p1', user: 'u9' }, D);
    await noViews.send([
      s.action('si3', 'signin', 'Submit', '09:00:00', { 'Sign In Type': 'auto' }),
    ]);
    assert.deepEqual(await noViews.report(REPORT, { start: D, end: D }), [
      {
        annotation_id: 'si3',
        project_ids: ['p1'],
        title: null,
        views: 0,
        sign_ins_total: 1,
        sign_ins_manual: 0,
        sign_ins_auto: 1,
        skips: 0,
        unique_users: 1,
        conversion_rate: 0, // 0 manual ÷ 0 views: 0
      },
    ]);
  });
});

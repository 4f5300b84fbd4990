/**
 * signin_widget_detail over HTTP: one row per sign-in, manual or automatic, in time order; a skip
 * is not a sign-in (reporting-api.md §1.2, §3.1).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  at,
  daysAgo,
  session,
  startReportServer,
  type ReportAccount,
  type ReportServer,
} from './helpers/reports.js';

const REPORT = 'signin_widget_detail';
const D = daysAgo(5);

describe(REPORT, () => {
  let fx: ReportServer;
  let acc: ReportAccount;

  before(async () => {
    fx = await startReportServer();
    acc = await fx.account();
    await acc.project({ id: 'p1', title: 'One' });
    await acc.annotation('p1', { id: 'si1', type: 'signin', title: 'Join us' });
    const s1 = session({ session: 's1', project: 'p1', anon: 'anon-1' }, D);
    const s2 = session({ session: 's2', project: 'p2', user: 'u1' }, D);
    const s3 = session({ session: 's3', project: 'p1', anon: 'anon-3' }, D);
    await acc.send([
      s1.player('Load', '10:00:00'),
      s1.view('si1', null, '10:00:05'),
      s1.action('si1', null, 'Submit', '10:00:10', {
        'Sign In Type': 'manual',
        'First Name': 'Ann',
        'Last Name': 'Lee',
        Email: 'ann@example.com',
        'Form User ID': 'f-1',
        'Custom Field': 'newsletter',
        'Partner User ID': 'u1',
      }),
      s2.player('Load', '11:00:00'),
      s2.action('si1', null, 'Submit', '11:00:02', { 'Sign In Type': 'auto' }),
      s3.action('si1', null, 'Submit', '12:00:00', { Skipped: true }), // a skip: no row
      s3.action('si1', null, 'Submit', '12:00:10', { Email: 'cy@example.com' }), // no type: manual
    ]);
  });
  after(() => fx.stop());

  it('lists manual and automatic sign-ins with the form fields', async () => {
    const rows = await acc.report(REPORT, { start: D, end: D });
    const empty = {
      first_name: null,
      last_name: null,
      email: null,
      form_user_id: null,
      custom_field: null,
    };
    assert.deepEqual(rows, [
      {
        session_start_time: at(D, '10:00:00'),
        play_session: 's1',
        user_id: 'u1',
        annotation_id: 'si1',
        project_id: 'p1',
        sign_in_type: 'manual',
        first_name: 'Ann',
        last_name: 'Lee',
        email: 'ann@example.com',
        form_user_id: 'f-1',
        custom_field: 'newsletter',
        submitted_at: at(D, '10:00:10'),
      },
      {
        session_start_time: at(D, '11:00:00'),
        play_session: 's2',
        user_id: 'u1',
        annotation_id: 'si1',
        project_id: 'p2', // the project the event names, not the catalog's p1
        sign_in_type: 'auto',
        ...empty,
        submitted_at: at(D, '11:00:02'),
      },
      {
        session_start_time: at(D, '12:00:00'), // s3's skip opened it
        play_session: 's3',
        user_id: null,
        annotation_id: 'si1',
        project_id: 'p1',
        sign_in_type: 'manual',
        ...empty,
        email: 'cy@example.com',
        submitted_at: at(D, '12:00:10'),
      },
    ]);
  });

  it('filters by project', async () => {
    const rows = await acc.report(REPORT, { start: D, end: D, project_id: 'p2' });
    assert.deepEqual(
      rows.map((r) => [r.play_session, r.sign_in_type]),
      [['s2', 'auto']],
    );
  });
});

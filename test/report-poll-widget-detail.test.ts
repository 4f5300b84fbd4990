/**
 * poll_widget_detail over HTTP: one row per poll submit, in time order, with its session's start
 * and user (reporting-api.md §1.2).
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

const REPORT = 'poll_widget_detail';
const D = daysAgo(2);

describe(REPORT, () => {
  let fx: ReportServer;
  let acc: ReportAccount;

  before(async () => {
    fx = await startReportServer();
    acc = await fx.account();
    await acc.project({ id: 'p1', title: 'One' });
    await acc.annotation('p1', {
      id: 'poll1',
      type: 'poll',
      title: 'Bird poll',
      properties: { poll_type: 'PictureChoice', prompt: 'Best bird?', responses: ['Tern', 'Gull'] },
    });
    const s1 = session({ session: 's1', project: 'p1', anon: 'anon-1' }, D);
    const s1in = session({ session: 's1', project: 'p1', anon: 'anon-1', user: 'u1' }, D);
    const s2 = session({ session: 's2', project: 'p2', experience: 'x1' }, D);
    await acc.send([
      s1.player('Load', '10:00:00'),
      s1.action('poll1', null, 'Submit', '10:01:00', { Response: 'Tern', Prompt: 'Old prompt' }),
      s1in.player('Play', '10:02:00'), // the session names its user after the submit
      s1.view('poll1', null, '10:00:30'), // a view: no row
      // s2 began the day before; in range, its first event is the submit itself.
      s2.player('Load', at(nextDay(D, -1), '23:59:00')),
      s2.action('poll2', 'poll', 'Submit', '00:00:30', {
        Response: 'False',
        'Poll Type': 'TrueFalse',
        Prompt: 'Birds swim?',
      }),
      s1.action('poll1', null, 'Submit', '10:03:00', { Response: 'Gull' }),
    ]);
  });
  after(() => fx.stop());

  it('lists every submit with its session, user, poll and response', async () => {
    const rows = await acc.report(REPORT, { start: D, end: D });
    const s1 = { session_start_time: at(D, '10:00:00'), play_session: 's1', user_id: 'u1' };
    const poll1 = {
      annotation_id: 'poll1',
      project_id: 'p1',
      poll_type: 'PictureChoice',
      prompt: 'Best bird?',
    };
    assert.deepEqual(rows, [
      {
        session_start_time: at(D, '00:00:30'), // s2's first event inside the range
        play_session: 's2',
        user_id: null,
        annotation_id: 'poll2',
        project_id: 'p2',
        poll_type: 'TrueFalse', // not in the catalog: the event's
        prompt: 'Birds swim?',
        response: 'False',
        submitted_at: at(D, '00:00:30'),
      },
      // the catalog's prompt, not the event's "Old prompt"; the session's user
      { ...s1, ...poll1, response: 'Tern', submitted_at: at(D, '10:01:00') },
      { ...s1, ...poll1, response: 'Gull', submitted_at: at(D, '10:03:00') },
    ]);
  });

  it('filters by experience', async () => {
    const rows = await acc.report(REPORT, { start: D, end: D, experience_id: 'x1' });
    assert.deepEqual(
      rows.map((r) => [r.play_session, r.response]),
      [['s2', 'False']],
    );
  });
});

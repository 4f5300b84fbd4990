/**
 * poll_widget_summary over HTTP: one row per poll × submitted response, `project_ids` one entry
 * per submit in time order, `answers_received` distinct viewers (reporting-api.md §1.2, §3.1).
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

const REPORT = 'poll_widget_summary';
const D = daysAgo(1);

describe(REPORT, () => {
  let fx: ReportServer;
  let acc: ReportAccount;

  before(async () => {
    fx = await startReportServer();
    acc = await fx.account();
    await acc.project({ id: 'p1', title: 'One' });
    // A template poll: filed under p1, shown in p1, p2 and p3.
    await acc.annotation('p1', {
      id: 'poll1',
      type: 'poll',
      title: 'Bird poll',
      properties: {
        poll_type: 'MultipleChoice',
        prompt: 'Best bird?',
        responses: ['Tern', 'Gull', 'Owl'],
      },
    });
    const s1 = session({ session: 's1', project: 'p1', user: 'u1' }, D);
    const s2 = session({ session: 's2', project: 'p2', user: 'u2' }, D);
    const s3 = session({ session: 's3', project: 'p1', anon: 'anon-3' }, D);
    const s4 = session({ session: 's4', project: 'p3', user: 'u1', experience: 'x1' }, D);
    const s5 = session({ session: 's5', project: 'p1', user: 'u3' }, D);
    const submit = (s: typeof s1, t: string, response: string, props = {}) =>
      s.action('poll1', 'poll', 'Submit', t, { Response: response, ...props });
    await acc.send([
      // Sent out of time order: project_ids follow the timestamps, not the arrival.
      submit(s4, '10:08:00', 'Tern'),
      submit(s1, '10:00:00', 'Tern', { Prompt: 'Old prompt' }), // the catalog's prompt wins
      submit(s2, '10:05:00', 'Tern'),
      submit(s2, '10:06:00', 'Tern'), // u2 again: one more project entry, not one more viewer
      submit(s3, '10:07:00', 'Gull'),
      submit(s5, '10:09:00', 'Eagle'), // not among the catalog's responses: a row all the same
      s5.view('poll1', 'poll', '10:08:30'), // a view is no submit
      // poll2 is not in the catalog: type and prompt from its events.
      s1.action('poll2', 'poll', 'Submit', '10:10:00', {
        Response: 'True',
        'Poll Type': 'TrueFalse',
        Prompt: 'Birds fly?',
      }),
    ]);
  });
  after(() => fx.stop());

  it('has a row per submitted response, Owl (never chosen) none', async () => {
    const rows = await acc.report(REPORT, { start: D, end: D });
    const poll1 = { annotation_id: 'poll1', poll_type: 'MultipleChoice', prompt: 'Best bird?' };
    assert.deepEqual(rows, [
      { ...poll1, project_ids: ['p1'], response: 'Eagle', answers_received: 1 },
      { ...poll1, project_ids: ['p1'], response: 'Gull', answers_received: 1 },
      {
        ...poll1,
        project_ids: ['p1', 'p2', 'p2', 'p3'], // 10:00 s1, 10:05 s2, 10:06 s2, 10:08 s4
        response: 'Tern',
        answers_received: 2, // u1 (s1 and s4) and u2 (twice)
      },
      {
        annotation_id: 'poll2',
        project_ids: ['p1'],
        poll_type: 'TrueFalse',
        prompt: 'Birds fly?',
        response: 'True',
        answers_received: 1,
      },
    ]);
  });

  it('filters submits by the project and experience they name', async () => {
    const p2 = await acc.report(REPORT, { start: D, end: D, project_id: 'p2,p3' });
    assert.deepEqual(
      p2.map((r) => [r.annotation_id, r.response, r.project_ids, r.answers_received]),
      [['poll1', 'Tern', ['p2', 'p2', 'p3'], 2]],
    );
    const x1 = await acc.report(REPORT, { start: D, end: D, experience_id: 'x1' });
    assert.deepEqual(
      x1.map((r) => [r.annotation_id, r.response, r.project_ids, r.answers_received]),
      [['poll1', 'Tern', ['p3'], 1]],
    );
  });
});

/**
 * experience_stream_raw over HTTP: only the events that name an experience, in time order, with
 * the experience's title from the catalog (reporting-api.md §1.2, §3.1).
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

const REPORT = 'experience_stream_raw';
const D = daysAgo(1);

describe(REPORT, () => {
  let fx: ReportServer;
  let acc: ReportAccount;

  before(async () => {
    fx = await startReportServer();
    acc = await fx.account();
    await acc.project({ id: 'p1', title: 'Birds', video_duration: 80 });
    await acc.annotation('p1', { id: 'ot1', type: 'ontime', title: 'Note' });
    await acc.experience({ id: 'x1', title: 'Course', type: 'slidesync', playlist: ['p1'] });
    const s1 = session({ session: 's1', project: 'p1', experience: 'x1', user: 'u1' }, D);
    const plain = session({ session: 's2', project: 'p1', user: 'u1' }, D);
    const s3 = session({ session: 's3', experience: 'x2' }, D);
    await acc.send([
      s1.player('Load', '09:00:00'),
      s1.player('Play', '09:00:01', { 'Video Offset': 0 }),
      s1.progress('09:00:06', 5, { 'Video Offset': 5 }), // never in a stream
      s1.view('ot1', null, '09:00:10', { 'Video Offset': 10 }),
      // p1 is in x1's playlist, but this session names no experience: not in the stream.
      plain.player('Load', '09:30:00'),
      // x2 is not in the catalog; this experience-level event names no project.
      s3.player('Load', '10:00:00'),
    ]);
  });
  after(() => fx.stop());

  it('lists the events that name an experience', async () => {
    const rows = await acc.report(REPORT, { start: D, end: D });
    const x1 = { session_id: 's1', experience_id: 'x1', experience_title: 'Course' };
    const p1 = { project_id: 'p1', project_title: 'Birds' };
    assert.deepEqual(rows, [
      {
        ...x1,
        timestamp: at(D, '09:00:00'),
        action: 'load',
        video_offset_seconds: null,
        video_percent_complete: null,
        ...p1,
        annotation_id: null,
        details: null,
      },
      {
        ...x1,
        timestamp: at(D, '09:00:01'),
        action: 'play',
        video_offset_seconds: 0,
        video_percent_complete: 0,
        ...p1,
        annotation_id: null,
        details: null,
      },
      {
        ...x1,
        timestamp: at(D, '09:00:10'),
        action: 'annotation_view',
        video_offset_seconds: 10,
        video_percent_complete: 12.5, // 10 ÷ 80
        ...p1,
        annotation_id: 'ot1',
        details: null, // views of other annotations than chapters have no details
      },
      {
        session_id: 's3',
        experience_id: 'x2',
        experience_title: null,
        timestamp: at(D, '10:00:00'),
        action: 'load',
        video_offset_seconds: null,
        video_percent_complete: null,
        project_id: null,
        project_title: null,
        annotation_id: null,
        details: null,
      },
    ]);
  });

  it('filters by experience', async () => {
    const rows = await acc.report(REPORT, { start: D, end: D, experience_id: 'x2' });
    assert.deepEqual(
      rows.map((r) => [r.session_id, r.action]),
      [['s3', 'load']],
    );
  });
});

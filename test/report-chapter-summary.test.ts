/**
 * chapter_summary over HTTP: views (chapters passed in playback) and clicks (chapter-menu clicks
 * on `target_annotation`, else `target`), per project × chapter, with title, start and end from
 * the catalog or the events (reporting-api.md §3.1, details.md §1).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  annotationOf,
  daysAgo,
  session,
  startReportServer,
  type ReportAccount,
  type ReportServer,
} from './helpers/reports.js';

const REPORT = 'chapter_summary';
const D = daysAgo(2);

describe(REPORT, () => {
  let fx: ReportServer;
  let acc: ReportAccount;

  before(async () => {
    fx = await startReportServer();
    acc = await fx.account();
    await acc.project({ id: 'p1', title: 'Birds', video_duration: 200 });
    const chapter = (
      id: string,
      title: string,
      properties: Record<string, unknown>,
      start_time: unknown,
      duration: unknown,
    ) => acc.annotation('p1', { id, type: 'bookmark', title, properties, start_time, duration });
    await chapter(
      'bm1',
      'Intro title',
      { text: 'Intro' },
      { value: 0, units: 'seconds' },
      { value: 30, units: 'seconds' },
    );
    await chapter(
      'bm2',
      'Middle',
      {},
      { value: 25, units: 'percent' },
      { value: 10, units: 'percent' },
    );
    await chapter(
      'bm3',
      'Last',
      { text: 'Finale' },
      { value: 150, units: 'seconds' },
      { value: null, units: 'infinite' },
    );
    await acc.annotation('p1', { id: 'toc1', type: 'contents', title: 'Menu' });
    await acc.annotation('p1', annotationOf('q1', 'quiz'));

    const s1 = session({ session: 's1', project: 'p1', user: 'u1' }, D);
    const s2 = session({ session: 's2', project: 'p1', user: 'u2' }, D);
    const s3 = session({ session: 's3', project: 'p2', user: 'u3' }, D);
    await acc.send([
      s1.view('bm1', null, '10:00:00'),
      s2.view('bm1', null, '10:01:00'),
      s2.view('bm1', null, '10:02:00'), // passed again: every view counts
      s1.view('bm2', null, '10:03:00'),
      s1.end('bm2', null, '10:03:30'), // an end is no view
      // menu clicks: on target_annotation, else on target
      s1.action('toc1', null, 'Click', '10:04:00', { 'Target Annotation': 'bm1', Target: 'bm2' }),
      s1.action('toc1', null, 'Click', '10:05:00', { 'Target Annotation': 'bm3' }),
      s2.action('toc1', null, 'Click', '10:06:00', { Target: 'bm3' }),
      s2.action('toc1', null, 'Next', '10:07:00', { 'Target Annotation': 'bm2' }), // not a click
      s2.action('toc1', null, 'Click', '10:08:00', { 'Target Annotation': 'q1' }), // no chapter
      // bm9 is not in the catalog: its text, start and duration come from the event.
      s1.view('bm9', 'bookmark', '10:09:00', {
        Text: 'Outro',
        'Annotation Start Time': 180,
        'Annotation Duration': 20,
      }),
      // The chapters seen in p2 (whose duration is unknown) are rows of their own.
      s3.view('bm1', null, '11:00:00'),
      s3.view('bm2', null, '11:01:00'),
      // a view of another kind of annotation is no chapter view
      s3.view('q1', null, '11:02:00'),
    ]);
  });
  after(() => fx.stop());

  it('counts views and menu clicks per project and chapter', async () => {
    const rows = await acc.report(REPORT, { start: D, end: D });
    const p1 = { project_id: 'p1', project_title: 'Birds' };
    const p2 = { project_id: 'p2', project_title: null };
    assert.deepEqual(rows, [
      {
        ...p1,
        annotation_id: 'bm1',
        chapter_title: 'Intro', // properties.text beats the title
        chapter_start_seconds: 0,
        chapter_end_seconds: 30, // 0 + 30
        views: 3,
        clicks: 1, // target_annotation bm1 (its target bm2 is not looked at)
      },
      {
        ...p1,
        annotation_id: 'bm2',
        chapter_title: 'Middle', // no text: the title
        chapter_start_seconds: 50, // 25 % of 200 s
        chapter_end_seconds: 70, // 50 + 10 % of 200 s
        views: 1,
        clicks: 0, // the menu's "next" is not a click
      },
      {
        ...p1,
        annotation_id: 'bm3',
        chapter_title: 'Finale',
        chapter_start_seconds: 150,
        chapter_end_seconds: 200, // infinite: the end of the video
        views: 0, // a row because menu clicks chose it
        clicks: 2, // one by target_annotation, one by target
      },
      {
        ...p1,
        annotation_id: 'bm9',
        chapter_title: 'Outro',
        chapter_start_seconds: 180,
        chapter_end_seconds: 200, // 180 + 20
        views: 1,
        clicks: 0,
      },
      {
        ...p2,
        annotation_id: 'bm1',
        chapter_title: 'Intro',
        chapter_start_seconds: 0, // seconds need no duration
        chapter_end_seconds: 30,
        views: 1,
        clicks: 0,
      },
      {
        ...p2,
        annotation_id: 'bm2',
        chapter_title: 'Middle',
        chapter_start_seconds: null, // percent of an unknown duration
        chapter_end_seconds: null,
        views: 1,
        clicks: 0,
      },
    ]);
  });

  it('filters by project', async () => {
    const rows = await acc.report(REPORT, { start: D, end: D, project_id: 'p2' });
    assert.deepEqual(
      rows.map((r) => [r.project_id, r.annotation_id, r.views]),
      [
        ['p2', 'bm1', 1],
        ['p2', 'bm2', 1],
      ],
    );
  });
});

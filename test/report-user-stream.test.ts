/**
 * user_stream_raw over HTTP: every event but `progress`, in time then arrival order, with the
 * stream action of reporting-api.md §3.2 and the `details` templates of details.md §1.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  annotationOf,
  at,
  daysAgo,
  session,
  startReportServer,
  type ReportAccount,
  type ReportServer,
} from './helpers/reports.js';

const REPORT = 'user_stream_raw';
const D = daysAgo(2);

describe(REPORT, () => {
  let fx: ReportServer;
  let acc: ReportAccount;

  before(async () => {
    fx = await startReportServer();
    acc = await fx.account();
    await acc.project({ id: 'p1', title: 'Birds', video_duration: 200 });
    await acc.annotation('p1', {
      id: 'bm1',
      type: 'bookmark',
      title: 'bm1 title',
      properties: { text: 'Chapter One' },
    });
    for (const [id, type] of [
      ['q1', 'quiz'],
      ['link1', 'pop'],
      ['toc1', 'contents'],
      ['poll1', 'poll'],
      ['si1', 'signin'],
      ['se1', 'sentiment'],
    ] as const) {
      await acc.annotation('p1', annotationOf(id, type));
    }
    // s1 is anonymous until the viewer signs in as u1 ("Ann"); s2 never names anyone.
    const s1 = session({ session: 's1', project: 'p1', anon: 'anon-1' }, D);
    const u1 = session(
      { session: 's1', project: 'p1', anon: 'anon-1', user: 'u1', username: 'Ann' },
      D,
    );
    const s2 = session({ session: 's2', project: 'p1' }, D);
    await acc.send([
      s2.player('Load', '10:00:00'), // same instant as s1's load, sent first: listed first
      s1.player('Load', '10:00:00'),
      s1.player('Play', '10:00:01', { 'Video Offset': 0 }),
      s1.progress('10:00:05', 4, { 'Video Offset': 4 }), // never in a stream
      s1.view('bm1', null, '10:00:10', { 'Video Offset': 20 }),
      s1.action('toc1', null, 'Click', '10:00:12', { 'Target Annotation': 'bm1' }),
      u1.action('q1', null, 'Answer', '10:00:15', { Question: 'Which bird?', Answer: 'Tern' }),
      u1.action('link1', null, 'External Click', '10:00:20', { Target: 'https://birds.example' }),
      u1.action('poll1', null, 'Submit', '10:00:25', { Response: 'Tern' }),
      u1.action('si1', null, 'Submit', '10:00:30', { 'Sign In Type': 'auto' }),
      u1.action('se1', null, 'Rate', '10:00:35', { Rating: 'Thumbs Up', 'Rating Value': 5 }),
      u1.action('link1', null, 'Share Twice', '10:00:40', {
        'Custom Color': 'red',
        Host: 'h.example', // a known property: not a custom one
      }),
      u1.player('Pause', '10:00:45', { 'Video Offset': 12.3456 }),
      u1.player('Pause', '10:00:50', { 'Video Offset': 100, 'Video Percent Complete': 42.5 }),
      u1.end('bm1', null, '10:00:55'),
      u1.action('q1', null, 'Submit', '10:01:00'),
      u1.action('toc1', null, 'Expand', '10:01:05', { Text: 'Menu' }),
      u1.player('End - Complete', '10:01:10'),
      s2.action('c9', null, 'like', '10:02:00'),
    ]);
  });
  after(() => fx.stop());

  it('lists every event but progress with its action and details', async () => {
    const rows = await acc.report(REPORT, { start: D, end: D });
    const row = (
      user: string | null,
      time: string,
      sessionId: string,
      action: string,
      more: {
        offset?: number;
        percent?: number;
        annotation?: string;
        details?: string;
        rating?: string;
        value?: number;
      } = {},
    ) => ({
      user_id: user,
      username: user === null ? null : 'Ann',
      timestamp: at(D, time),
      session_id: sessionId,
      project_id: 'p1',
      project_title: 'Birds',
      action,
      video_offset_seconds: more.offset ?? null,
      video_percent_complete: more.percent ?? null,
      annotation_id: more.annotation ?? null,
      details: more.details ?? null,
      rating: more.rating ?? null,
      rating_value: more.value ?? null,
    });
    assert.deepEqual(rows, [
      row(null, '10:00:00', 's2', 'load'), // the user is unknown
      // s1's anonymous events carry the user its session names.
      row('u1', '10:00:00', 's1', 'load'),
      row('u1', '10:00:01', 's1', 'play', { offset: 0, percent: 0 }),
      // a chapter view: the catalog's properties.text; 20 ÷ 200 = 10 %
      row('u1', '10:00:10', 's1', 'annotation_view', {
        offset: 20,
        percent: 10,
        annotation: 'bm1',
        details: 'Chapter One',
      }),
      // a menu click: the text of the chapter it targets
      row('u1', '10:00:12', 's1', 'toc_click', { annotation: 'toc1', details: 'Chapter One' }),
      row('u1', '10:00:15', 's1', 'quiz_answer', {
        annotation: 'q1',
        details: 'Which bird? → Tern',
      }),
      row('u1', '10:00:20', 's1', 'external_click', {
        annotation: 'link1',
        details: 'https://birds.example',
      }),
      row('u1', '10:00:25', 's1', 'poll_submit', { annotation: 'poll1', details: 'Tern' }),
      row('u1', '10:00:30', 's1', 'signin_submit', { annotation: 'si1', details: 'auto' }),
      row('u1', '10:00:35', 's1', 'sentiment_rate', {
        annotation: 'se1',
        details: 'thumbs_up',
        rating: 'thumbs_up',
        value: 5,
      }),
      // an unknown action on a link: custom, with the original spelling and the custom property
      row('u1', '10:00:40', 's1', 'custom', {
        annotation: 'link1',
        details: '{"action":"Share Twice","custom_color":"red"}',
      }),
      // 12.3456 s → 12.346; 12.3456 ÷ 200 × 100 = 6.1728 → 6.17
      row('u1', '10:00:45', 's1', 'pause', { offset: 12.346, percent: 6.17 }),
      // the event's own percent wins over 100 ÷ 200
      row('u1', '10:00:50', 's1', 'pause', { offset: 100, percent: 42.5 }),
      row('u1', '10:00:55', 's1', 'annotation_end', { annotation: 'bm1', details: 'Chapter One' }),
      row('u1', '10:01:00', 's1', 'quiz_submit', { annotation: 'q1' }),
      // no target: the event's own text
      row('u1', '10:01:05', 's1', 'toc_expand', { annotation: 'toc1', details: 'Menu' }),
      row('u1', '10:01:10', 's1', 'end_complete'),
      row(null, '10:02:00', 's2', 'custom', { annotation: 'c9', details: '{"action":"like"}' }),
    ]);
  });

  it('filters by project', async () => {
    assert.deepEqual(await acc.report(REPORT, { start: D, end: D, project_id: 'p2' }), []);
  });
});

/**
 * widget_user_sentiment_summary over HTTP: the rating of a play is its session's last one; the
 * median of an even count is the mean of the middle two (reporting-api.md §3.1).
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

const REPORT = 'widget_user_sentiment_summary';
const D = daysAgo(3);

describe(REPORT, () => {
  let fx: ReportServer;
  let acc: ReportAccount;

  before(async () => {
    fx = await startReportServer();
    acc = await fx.account();
    await acc.project({ id: 'p1', title: 'Birds', video_source_id: 'src-1' });
    await acc.annotation('p1', { id: 'se1', type: 'sentiment', title: 'How was it?' });
    const rate = (sessionId: string, project: string, t: string, value: number, extra = {}) =>
      session({ session: sessionId, project, user: `u-${sessionId}` }, D).action(
        'se1',
        null,
        'Rate',
        t,
        { Rating: 'Star', 'Rating Value': value, ...extra },
      );
    const s8 = session({ session: 's8', project: 'p3' }, D);
    await acc.send([
      // p1: s1 rates 2 then 5 (5 counts); s4 rates 3 then 1 (1 counts).
      rate('s1', 'p1', '10:00:00', 2),
      rate('s1', 'p1', '10:00:10', 5),
      rate('s2', 'p1', '10:01:00', 1),
      rate('s3', 'p1', '10:02:00', 4),
      rate('s4', 'p1', '10:03:00', 3),
      rate('s4', 'p1', '10:03:30', 1),
      rate('s5', 'p1', '10:04:00', 5),
      // p2 (not in the catalog): two plays rated 1 and 5.
      rate('s6', 'p2', '11:00:00', 1, { 'Video Source ID': 'src-ev' }),
      rate('s7', 'p2', '11:01:00', 5),
      // p3: the widget was seen, never rated.
      s8.view('se9', 'sentiment', '12:00:00'),
    ]);
  });
  after(() => fx.stop());

  it('counts rated plays, the median and the plays rated 5 and 1', async () => {
    const rows = await acc.report(REPORT, { start: D, end: D });
    assert.deepEqual(rows, [
      {
        project_id: 'p1',
        project_title: 'Birds',
        video_source_id: 'src-1',
        plays_with_rating: 5, // s1–s5
        median_rating: 4, // last ratings 5, 1, 4, 1, 5 → sorted 1, 1, 4, 5, 5
        plays_with_max_rating: 2, // s1, s5
        plays_with_min_rating: 2, // s2, s4
      },
      {
        project_id: 'p2',
        project_title: null,
        video_source_id: 'src-ev', // from its events
        plays_with_rating: 2,
        median_rating: 3, // (1 + 5) ÷ 2
        plays_with_max_rating: 1,
        plays_with_min_rating: 1,
      },
      {
        project_id: 'p3',
        project_title: null,
        video_source_id: null,
        plays_with_rating: 0,
        median_rating: null,
        plays_with_max_rating: 0,
        plays_with_min_rating: 0,
      },
    ]);
  });

  it('filters by project', async () => {
    const rows = await acc.report(REPORT, { start: D, end: D, project_id: 'p2' });
    assert.deepEqual(
      rows.map((r) => [r.project_id, r.median_rating]),
      [['p2', 3]],
    );
  });
});

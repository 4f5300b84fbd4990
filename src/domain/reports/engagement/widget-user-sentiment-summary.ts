/**
 * One row per project with a sentiment widget in range (reporting-api.md §3.1): the rating of a
 * play is its session's last `rate`; the median is over those ratings. Read from the session
 * rollup, which keeps each partial's latest rating and whether it has sentiment widget events.
 */
import type { ReportDefinition } from '../definition.js';
import { latestBy, projectInfoCte, query, sessionViewersCte } from '../sql.js';

export const widgetUserSentimentSummary: ReportDefinition = {
  name: 'widget_user_sentiment_summary',
  grain: 'one row per project with an event on a sentiment widget in range',
  sql: (scope, dialect) =>
    query(
      [
        sessionViewersCte(scope),
        projectInfoCte(scope, dialect),
        `rated AS (
  SELECT project_id, session_id,
    ${latestBy('rating', 'rating_ts', 'rating_seq', dialect)} AS rating
  FROM sp
  WHERE rating IS NOT NULL AND project_id IS NOT NULL
  GROUP BY project_id, session_id
)`,
        `by_project AS (
  SELECT project_id,
    count(*) AS plays_with_rating,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY rating) AS median_rating,
    count(*) FILTER (WHERE rating = 5) AS plays_with_max_rating,
    count(*) FILTER (WHERE rating = 1) AS plays_with_min_rating
  FROM rated
  GROUP BY project_id
)`,
        `widget_projects AS (
  SELECT DISTINCT project_id FROM sp WHERE has_sentiment AND project_id IS NOT NULL
)`,
      ],
      `SELECT w.project_id, pi.project_title, pi.video_source_id,
  COALESCE(r.plays_with_rating, 0) AS plays_with_rating, r.median_rating,
  COALESCE(r.plays_with_max_rating, 0) AS plays_with_max_rating,
  COALESCE(r.plays_with_min_rating, 0) AS plays_with_min_rating
FROM widget_projects w
JOIN project_info pi ON pi.project_id = w.project_id
LEFT JOIN by_project r ON r.project_id = w.project_id
ORDER BY w.project_id`,
    ),
};

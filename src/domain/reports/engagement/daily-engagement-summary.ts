/**
 * One row per UTC day × project, for charts (reporting-api.md §1.2, beyond the original). A
 * session counts on the day of its first event in range, so the days of a range add up to the
 * project summary's loads, plays, plays with interaction and view time.
 */
import type { ReportDefinition } from '../definition.js';
import { projectInfoCte, query, sessionsCte, sessionViewersCte } from '../sql.js';

export const dailyEngagementSummary: ReportDefinition = {
  name: 'daily_engagement_summary',
  grain: 'one row per UTC day and project with a session starting that day',
  sql: (scope, dialect) =>
    query(
      [
        sessionViewersCte(scope),
        sessionsCte('project_id', dialect, { viewers: false }),
        projectInfoCte(scope, dialect),
        `by_day AS (
  SELECT CAST(CAST(first_ts AS DATE) AS VARCHAR) AS date, project_id,
    count(*) FILTER (WHERE has_load) AS loads,
    count(*) FILTER (WHERE has_play) AS plays,
    count(*) FILTER (WHERE has_play AND has_interaction) AS plays_with_interaction,
    sum(view_time) AS total_view_time_seconds
  FROM sessions
  GROUP BY CAST(CAST(first_ts AS DATE) AS VARCHAR), project_id
)`,
      ],
      `SELECT d.date, d.project_id, pi.project_title,
  d.loads, d.plays, d.plays_with_interaction, d.total_view_time_seconds
FROM by_day d
JOIN project_info pi ON pi.project_id = d.project_id
ORDER BY d.date, d.project_id`,
    ),
};

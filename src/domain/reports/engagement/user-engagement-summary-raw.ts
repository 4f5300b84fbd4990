/**
 * One row per viewer with a session in range (reporting-api.md §3.1): known users by their
 * `user_id`, the others by their anonymous ID or, without one, their session ID.
 */
import type { ReportDefinition } from '../definition.js';
import { latestBy, query, sessionsCte, sessionViewersCte } from '../sql.js';

export const userEngagementSummaryRaw: ReportDefinition = {
  name: 'user_engagement_summary_raw',
  grain: 'one row per viewer (user ID, else anonymous ID, else session ID) with a session in range',
  sql: (scope, dialect) =>
    query(
      [
        sessionViewersCte(scope),
        sessionsCte(null),
        `by_session AS (
  SELECT viewer_id,
    sum(view_time) AS time_watched_seconds,
    max(first_ts) AS last_session,
    count(*) FILTER (WHERE has_play) AS plays,
    count(*) FILTER (WHERE has_load) AS sessions,
    sum(links) AS links, sum(navigation) AS navigation,
    sum(responses) AS responses, sum(widgets) AS widgets
  FROM sessions
  GROUP BY viewer_id
)`,
        // The latest username of the viewer's events, and the projects they played.
        `by_part AS (
  SELECT sv.viewer_id,
    ${latestBy('sp.last_username', 'sp.last_username_ts', 'sp.last_username_seq', dialect)} AS username,
    count(DISTINCT sp.project_id) FILTER (WHERE sp.has_play) AS videos
  FROM sp
  JOIN sv ON sv.session_id = sp.session_id
  GROUP BY sv.viewer_id
)`,
      ],
      `SELECT s.viewer_id AS user_id, p.username, s.time_watched_seconds, s.last_session,
  s.links, s.navigation, s.responses, s.widgets, p.videos, s.plays, s.sessions
FROM by_session s
JOIN by_part p ON p.viewer_id = s.viewer_id
ORDER BY s.viewer_id`,
    ),
};

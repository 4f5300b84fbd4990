/**
 * One row per viewer with a session in range (reporting-api.md §3.1): known users by their
 * `user_id`, the others by their anonymous ID or, without one, their session ID.
 */
import type { ReportDefinition } from '../definition.js';
import { eventsCte, is, latest, query, sessionsCte, sessionViewersCte } from '../sql.js';

export const userEngagementSummaryRaw: ReportDefinition = {
  name: 'user_engagement_summary_raw',
  grain: 'one row per viewer (user ID, else anonymous ID, else session ID) with a session in range',
  sql: (scope, dialect) =>
    query(
      [
        eventsCte(scope),
        sessionViewersCte(),
        sessionsCte(null),
        `by_session AS (
  SELECT viewer_id,
    sum(view_time) AS time_watched_seconds,
    max(first_ts) AS last_session,
    count(*) FILTER (WHERE has_play) AS plays,
    count(*) FILTER (WHERE has_load) AS sessions
  FROM sessions
  GROUP BY viewer_id
)`,
        `by_event AS (
  SELECT sv.viewer_id,
    ${latest('ev.username', 'ev', dialect)} AS username,
    count(*) FILTER (WHERE ev.category = 'links') AS links,
    count(*) FILTER (WHERE ev.category = 'navigation') AS navigation,
    count(*) FILTER (WHERE ev.category = 'responses') AS responses,
    count(*) FILTER (WHERE ev.category = 'widgets') AS widgets,
    count(DISTINCT ev.project_id) FILTER (WHERE ${is.play}) AS videos
  FROM ev
  JOIN sv ON sv.session_id = ev.session_id
  GROUP BY sv.viewer_id
)`,
      ],
      `SELECT s.viewer_id AS user_id, e.username, s.time_watched_seconds, s.last_session,
  e.links, e.navigation, e.responses, e.widgets, e.videos, s.plays, s.sessions
FROM by_session s
JOIN by_event e ON e.viewer_id = s.viewer_id
ORDER BY s.viewer_id`,
    ),
};

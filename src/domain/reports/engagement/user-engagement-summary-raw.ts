/**
 * One row per viewer with a session in range (reporting-api.md §3.1): known users by their
 * `user_id`, the others by their anonymous ID or, without one, their session ID.
 */
import type { ReportDefinition } from '../definition.js';
import { query, sessionsCte, sessionViewersCte } from '../sql.js';

export const userEngagementSummaryRaw: ReportDefinition = {
  name: 'user_engagement_summary_raw',
  grain: 'one row per viewer (user ID, else anonymous ID, else session ID) with a session in range',
  sql: (scope) =>
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
        // The latest username of the viewer's events, and the projects they played: over the
        // partials, each with its session's viewer (a window, as in `sessions`, not a join).
        `parts AS (
  SELECT sp.last_username, sp.last_username_ts, sp.last_username_seq, sp.project_id, sp.has_play,
    COALESCE(min(sp.user_id) OVER session, min(sp.anonymous_id) OVER session, sp.session_id) AS viewer_id
  FROM sp
  WINDOW session AS (PARTITION BY sp.session_id)
)`,
        `played AS (
  SELECT viewer_id, project_id
  FROM parts
  WHERE has_play AND project_id IS NOT NULL
  GROUP BY viewer_id, project_id
)`,
        `videos AS (SELECT viewer_id, count(*) AS videos FROM played GROUP BY viewer_id)`,
        // DISTINCT ON rather than an ordered aggregate: one sort, no list per viewer.
        `usernames AS (
  SELECT DISTINCT ON (viewer_id) viewer_id, last_username AS username
  FROM parts
  WHERE last_username IS NOT NULL
  ORDER BY viewer_id, last_username_ts DESC, last_username_seq DESC
)`,
      ],
      `SELECT s.viewer_id AS user_id, u.username, s.time_watched_seconds, s.last_session,
  s.links, s.navigation, s.responses, s.widgets, COALESCE(v.videos, 0) AS videos, s.plays,
  s.sessions
FROM by_session s
LEFT JOIN usernames u ON u.viewer_id = s.viewer_id
LEFT JOIN videos v ON v.viewer_id = s.viewer_id
ORDER BY s.viewer_id`,
    ),
};

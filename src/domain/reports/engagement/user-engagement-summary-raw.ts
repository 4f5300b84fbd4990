/**
 * One row per viewer with a session in range (reporting-api.md §3.1): known users by their
 * `user_id`, the others by their anonymous ID or, without one, their session ID.
 */
import type { ReportDefinition } from '../definition.js';
import {
  ACTION_KINDS,
  latestBy,
  multiPartialSessions,
  onePartial,
  query,
  sessionViewersCte,
  sumOfCounts,
} from '../sql.js';

export const userEngagementSummaryRaw: ReportDefinition = {
  name: 'user_engagement_summary_raw',
  grain: 'one row per viewer (user ID, else anonymous ID, else session ID) with a session in range',
  sql: (scope, dialect) => {
    const latestUsername = (expr: string) =>
      latestBy(expr, 'last_username_ts', 'last_username_seq', dialect, 'last_username');
    return query(
      [
        sessionViewersCte(scope),
        multiPartialSessions(dialect),
        // One row per session (as `sessionsCte(null)`), with its latest username and the project
        // it played: a session with one partial is that row; the few of `multi_parts` are
        // combined, and give one more row per project they played beyond the first
        // (`played_project` only, every count 0), so that the viewers' videos are counted in the
        // same pass as the rest.
        `sessions AS (
  SELECT session_id, has_load, has_play, COALESCE(view_time, 0) AS view_time, first_ts,
    ${ACTION_KINDS.join(', ')}, COALESCE(user_id, anonymous_id, session_id) AS viewer_id,
    last_username, last_username_ts, last_username_seq,
    CASE WHEN has_play THEN project_id END AS played_project
  FROM sp
  WHERE ${onePartial(dialect)}
  UNION ALL
  SELECT session_id, bool_or(has_load), bool_or(has_play), COALESCE(max(view_time), 0),
    min(first_ts), ${ACTION_KINDS.map((kind) => `CAST(sum(${kind}) AS BIGINT)`).join(', ')},
    COALESCE(min(user_id), min(anonymous_id), session_id),
    ${latestUsername('last_username')}, max(last_username_ts) FILTER (WHERE last_username IS NOT NULL),
    ${latestUsername('last_username_seq')}, min(project_id) FILTER (WHERE has_play)
  FROM multi_parts
  GROUP BY session_id
  UNION ALL
  SELECT session_id, false, false, 0, NULL, 0, 0, 0, 0, viewer_id, NULL, NULL, NULL, project_id
  FROM (
    SELECT session_id, project_id, has_play,
      COALESCE(min(user_id) OVER session, min(anonymous_id) OVER session, session_id) AS viewer_id,
      min(project_id) FILTER (WHERE has_play) OVER session AS first_played
    FROM multi_parts
    WINDOW session AS (PARTITION BY session_id)
  ) more
  WHERE has_play AND project_id > first_played
)`,
        // DISTINCT counts and the latest username need the rows in viewer order: one sort.
        `by_viewer AS (
  SELECT viewer_id,
    sum(view_time) AS time_watched_seconds,
    max(first_ts) AS last_session,
    count(*) FILTER (WHERE has_play) AS plays,
    count(*) FILTER (WHERE has_load) AS sessions,
    ${ACTION_KINDS.map((kind) => `CAST(${sumOfCounts(kind)} AS BIGINT) AS ${kind}`).join(', ')},
    count(DISTINCT played_project) AS videos,
    ${latestUsername('last_username')} AS username
  FROM sessions
  GROUP BY viewer_id
)`,
      ],
      `SELECT viewer_id AS user_id, username, time_watched_seconds, last_session,
  links, navigation, responses, widgets, videos, plays, sessions
FROM by_viewer
ORDER BY viewer_id`,
    );
  },
};

/**
 * One row per experience named by an event in range and filters (reporting-api.md §3.1):
 * an event belongs to the experience its `experience_id` names, whatever the playlist says.
 */
import type { ReportDefinition } from '../definition.js';
import {
  cappedPercent,
  lit,
  projectInfoCte,
  query,
  ratio,
  sessionsCte,
  sessionViewersCte,
} from '../sql.js';

export const experienceEngagementSummaryRaw: ReportDefinition = {
  name: 'experience_engagement_summary_raw',
  grain: 'one row per experience named by an event in range',
  sql: (scope, dialect) =>
    query(
      [
        sessionViewersCte(scope),
        sessionsCte('experience_id', dialect),
        projectInfoCte(scope, dialect),
        // A session in an experience is measured against its project's video duration.
        `by_session AS (
  SELECT s.experience_id,
    count(*) FILTER (WHERE s.has_load) AS loads,
    count(*) FILTER (WHERE s.has_play) AS plays,
    count(*) FILTER (WHERE s.has_play AND s.has_interaction) AS plays_with_interaction,
    sum(s.view_time) AS total_view_time_seconds,
    count(DISTINCT s.viewer_id) AS audience,
    avg(${cappedPercent('s.view_time', 'pi.duration')}) FILTER (WHERE s.has_play) AS percent_viewed
  FROM sessions s
  LEFT JOIN project_info pi ON pi.project_id = s.project_id
  GROUP BY s.experience_id
)`,
      ],
      `SELECT s.experience_id, x.title AS experience_title, x.type AS experience_type,
  s.loads, s.plays, ${ratio('s.plays', 's.loads')} AS play_rate,
  s.plays_with_interaction, ${ratio('s.plays_with_interaction', 's.plays')} AS interaction_rate,
  s.total_view_time_seconds, s.audience, s.percent_viewed
FROM by_session s
LEFT JOIN experiences x ON x.account_id = ${lit(scope.accountId)} AND x.id = s.experience_id
ORDER BY s.experience_id`,
    ),
};

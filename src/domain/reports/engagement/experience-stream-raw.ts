/**
 * One row per event in range except `progress` that names an experience, in time order
 * (reporting-api.md §1.2).
 */
import type { ReportDefinition } from '../definition.js';
import { lit, query, streamCtes } from '../sql.js';

export const experienceStreamRaw: ReportDefinition = {
  name: 'experience_stream_raw',
  grain: 'one row per event in range except progress that names an experience',
  sql: (scope, dialect, limit) =>
    query(
      streamCtes(scope, dialect, limit, 'experience_id IS NOT NULL'),
      `SELECT st.session_id, st.experience_id, x.title AS experience_title, st.ts AS timestamp,
  st.stream_action AS action, st.video_offset AS video_offset_seconds,
  st.stream_percent AS video_percent_complete, st.project_id,
  st.stream_project_title AS project_title, st.annotation_id, st.details
FROM stream st
LEFT JOIN experiences x ON x.account_id = ${lit(scope.accountId)} AND x.id = st.experience_id
WHERE st.experience_id IS NOT NULL
ORDER BY st.ts, st.seq`,
    ),
};

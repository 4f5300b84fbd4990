/** One row per event in range except `progress`, in time order (reporting-api.md §1.2). */
import type { ReportDefinition } from '../definition.js';
import { query, streamCtes } from '../sql.js';

export const projectStreamRaw: ReportDefinition = {
  name: 'project_stream_raw',
  grain: 'one row per event in range except progress',
  sql: (scope, dialect, limit) =>
    query(
      streamCtes(scope, dialect, limit),
      `SELECT project_id, stream_project_title AS project_title, ts AS timestamp, session_id,
  stream_user_id AS user_id, stream_action AS action, video_offset AS video_offset_seconds,
  stream_percent AS video_percent_complete, annotation_id, details
FROM stream
ORDER BY ts, seq`,
    ),
};

/**
 * One row per event in range except `progress`, in time order, with the user where known
 * (reporting-api.md §1.2): the event's `user_id`, else the one its session names.
 */
import type { ReportDefinition } from '../definition.js';
import { query, streamCtes } from '../sql.js';

export const userStreamRaw: ReportDefinition = {
  name: 'user_stream_raw',
  grain: 'one row per event in range except progress, with the user ID where known',
  sql: (scope, dialect, limit) =>
    query(
      streamCtes(scope, dialect, limit),
      `SELECT stream_user_id AS user_id, stream_username AS username, ts AS timestamp, session_id,
  project_id, stream_project_title AS project_title, stream_action AS action,
  video_offset AS video_offset_seconds, stream_percent AS video_percent_complete,
  annotation_id, details, rating, rating_value
FROM stream
ORDER BY ts, seq`,
    ),
};

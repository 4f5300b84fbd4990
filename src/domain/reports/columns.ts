/**
 * The report names and their columns, as plain constant data (reporting-api.md §1.2). The server
 * and the SDK both read this file; it imports nothing.
 *
 * Column kinds say how a value is printed (details.md §1): `rate` rounded to 4 decimals,
 * `percent` to 2, `seconds` to 3, `integer` a count, `timestamp` ISO-8601 UTC with milliseconds,
 * `list` a JSON array (CSV: joined by `|`), `text` as is.
 */
export const COLUMN_KINDS = [
  'text',
  'integer',
  'rate',
  'percent',
  'seconds',
  'timestamp',
  'list',
  'number',
] as const;
export type ColumnKind = (typeof COLUMN_KINDS)[number];

type Cols = readonly (readonly [string, ColumnKind])[];

export const ENGAGEMENT_REPORTS = {
  project_engagement_summary_raw: [
    ['project_id', 'text'],
    ['project_title', 'text'],
    ['project_tags', 'list'],
    ['video_id', 'text'],
    ['loads', 'integer'],
    ['plays', 'integer'],
    ['play_rate', 'rate'],
    ['plays_with_interaction', 'integer'],
    ['interaction_rate', 'rate'],
    ['total_view_time_seconds', 'seconds'],
    ['links', 'integer'],
    ['navigation', 'integer'],
    ['responses', 'integer'],
    ['widgets', 'integer'],
    ['audience', 'integer'],
    ['active_audience', 'integer'],
    ['passive_audience', 'integer'],
    ['active_percent_viewed', 'percent'],
    ['passive_percent_viewed', 'percent'],
  ],
  user_engagement_summary_raw: [
    ['user_id', 'text'],
    ['username', 'text'],
    ['time_watched_seconds', 'seconds'],
    ['last_session', 'timestamp'],
    ['links', 'integer'],
    ['navigation', 'integer'],
    ['responses', 'integer'],
    ['widgets', 'integer'],
    ['videos', 'integer'],
    ['plays', 'integer'],
    ['sessions', 'integer'],
  ],
  experience_engagement_summary_raw: [
    ['experience_id', 'text'],
    ['experience_title', 'text'],
    ['experience_type', 'text'],
    ['loads', 'integer'],
    ['plays', 'integer'],
    ['play_rate', 'rate'],
    ['plays_with_interaction', 'integer'],
    ['interaction_rate', 'rate'],
    ['total_view_time_seconds', 'seconds'],
    ['audience', 'integer'],
    ['percent_viewed', 'percent'],
  ],
  poll_widget_summary: [
    ['annotation_id', 'text'],
    ['project_ids', 'list'],
    ['poll_type', 'text'],
    ['prompt', 'text'],
    ['response', 'text'],
    ['answers_received', 'integer'],
  ],
  signin_widget_summary: [
    ['annotation_id', 'text'],
    ['project_ids', 'list'],
    ['title', 'text'],
    ['views', 'integer'],
    ['sign_ins_total', 'integer'],
    ['sign_ins_manual', 'integer'],
    ['sign_ins_auto', 'integer'],
    ['skips', 'integer'],
    ['unique_users', 'integer'],
    ['conversion_rate', 'rate'],
  ],
  user_stream_raw: [
    ['user_id', 'text'],
    ['username', 'text'],
    ['timestamp', 'timestamp'],
    ['session_id', 'text'],
    ['project_id', 'text'],
    ['project_title', 'text'],
    ['action', 'text'],
    ['video_offset_seconds', 'seconds'],
    ['video_percent_complete', 'percent'],
    ['annotation_id', 'text'],
    ['details', 'text'],
    ['rating', 'text'],
    ['rating_value', 'integer'],
  ],
  project_stream_raw: [
    ['project_id', 'text'],
    ['project_title', 'text'],
    ['timestamp', 'timestamp'],
    ['session_id', 'text'],
    ['user_id', 'text'],
    ['action', 'text'],
    ['video_offset_seconds', 'seconds'],
    ['video_percent_complete', 'percent'],
    ['annotation_id', 'text'],
    ['details', 'text'],
  ],
  experience_stream_raw: [
    ['session_id', 'text'],
    ['experience_id', 'text'],
    ['experience_title', 'text'],
    ['timestamp', 'timestamp'],
    ['action', 'text'],
    ['video_offset_seconds', 'seconds'],
    ['video_percent_complete', 'percent'],
    ['project_id', 'text'],
    ['project_title', 'text'],
    ['annotation_id', 'text'],
    ['details', 'text'],
  ],
  poll_widget_detail: [
    ['session_start_time', 'timestamp'],
    ['play_session', 'text'],
    ['user_id', 'text'],
    ['annotation_id', 'text'],
    ['project_id', 'text'],
    ['poll_type', 'text'],
    ['prompt', 'text'],
    ['response', 'text'],
    ['submitted_at', 'timestamp'],
  ],
  signin_widget_detail: [
    ['session_start_time', 'timestamp'],
    ['play_session', 'text'],
    ['user_id', 'text'],
    ['annotation_id', 'text'],
    ['project_id', 'text'],
    ['sign_in_type', 'text'],
    ['first_name', 'text'],
    ['last_name', 'text'],
    ['email', 'text'],
    ['form_user_id', 'text'],
    ['custom_field', 'text'],
    ['submitted_at', 'timestamp'],
  ],
  chapter_summary: [
    ['project_id', 'text'],
    ['project_title', 'text'],
    ['annotation_id', 'text'],
    ['chapter_title', 'text'],
    ['chapter_start_seconds', 'seconds'],
    ['chapter_end_seconds', 'seconds'],
    ['views', 'integer'],
    ['clicks', 'integer'],
  ],
  widget_user_sentiment_summary: [
    ['project_id', 'text'],
    ['project_title', 'text'],
    ['video_source_id', 'text'],
    ['plays_with_rating', 'integer'],
    ['median_rating', 'number'],
    ['plays_with_max_rating', 'integer'],
    ['plays_with_min_rating', 'integer'],
  ],
  daily_engagement_summary: [
    ['date', 'text'],
    ['project_id', 'text'],
    ['project_title', 'text'],
    ['loads', 'integer'],
    ['plays', 'integer'],
    ['plays_with_interaction', 'integer'],
    ['total_view_time_seconds', 'seconds'],
  ],
} as const satisfies Record<string, Cols>;

export type EngagementReportName = keyof typeof ENGAGEMENT_REPORTS;
export const ENGAGEMENT_REPORT_NAMES = Object.keys(ENGAGEMENT_REPORTS) as EngagementReportName[];

/** Reports that do not count toward the new-report rate limits (reporting-api.md §1.2). */
export const UNLIMITED_REPORTS: readonly EngagementReportName[] = ['daily_engagement_summary'];

/** Stream and detail reports: one row per event, so a long range may be split into windows. */
export const ROW_PER_EVENT_REPORTS: readonly EngagementReportName[] = [
  'user_stream_raw',
  'project_stream_raw',
  'experience_stream_raw',
  'poll_widget_detail',
  'signin_widget_detail',
];

export const FORMATS = ['json', 'csv', 'ndjson'] as const;
export type Format = (typeof FORMATS)[number];

export const ANALYTICS_REPORTS = [
  'gradebook/summary',
  'gradebook/users/answers',
  'quiz/actions',
  'quiz/project/summary',
] as const;
export type AnalyticsReportName = (typeof ANALYTICS_REPORTS)[number];

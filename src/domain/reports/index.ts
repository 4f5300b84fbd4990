/** Every engagement report's definition, by name (reporting-api.md §1.2). */
import type { EngagementReportName } from './columns.js';
import type { ReportDefinition } from './definition.js';
import { scopeInDialect } from './sql.js';
import { chapterSummary } from './engagement/chapter-summary.js';
import { dailyEngagementSummary } from './engagement/daily-engagement-summary.js';
import { experienceEngagementSummaryRaw } from './engagement/experience-engagement-summary-raw.js';
import { experienceStreamRaw } from './engagement/experience-stream-raw.js';
import { pollWidgetDetail } from './engagement/poll-widget-detail.js';
import { pollWidgetSummary } from './engagement/poll-widget-summary.js';
import { projectEngagementSummaryRaw } from './engagement/project-engagement-summary-raw.js';
import { projectStreamRaw } from './engagement/project-stream-raw.js';
import { signinWidgetDetail } from './engagement/signin-widget-detail.js';
import { signinWidgetSummary } from './engagement/signin-widget-summary.js';
import { userEngagementSummaryRaw } from './engagement/user-engagement-summary-raw.js';
import { userStreamRaw } from './engagement/user-stream-raw.js';
import { widgetUserSentimentSummary } from './engagement/widget-user-sentiment-summary.js';

/** A definition whose scope's filter IDs are first spelled for the dialect (`scopeInDialect`). */
const inDialect = (definition: ReportDefinition): ReportDefinition => ({
  ...definition,
  sql: (scope, dialect, limit) => definition.sql(scopeInDialect(scope, dialect), dialect, limit),
});

export const REPORT_DEFINITIONS: Record<EngagementReportName, ReportDefinition> = {
  project_engagement_summary_raw: inDialect(projectEngagementSummaryRaw),
  user_engagement_summary_raw: inDialect(userEngagementSummaryRaw),
  experience_engagement_summary_raw: inDialect(experienceEngagementSummaryRaw),
  poll_widget_summary: inDialect(pollWidgetSummary),
  signin_widget_summary: inDialect(signinWidgetSummary),
  user_stream_raw: inDialect(userStreamRaw),
  project_stream_raw: inDialect(projectStreamRaw),
  experience_stream_raw: inDialect(experienceStreamRaw),
  poll_widget_detail: inDialect(pollWidgetDetail),
  signin_widget_detail: inDialect(signinWidgetDetail),
  chapter_summary: inDialect(chapterSummary),
  widget_user_sentiment_summary: inDialect(widgetUserSentimentSummary),
  daily_engagement_summary: inDialect(dailyEngagementSummary),
};

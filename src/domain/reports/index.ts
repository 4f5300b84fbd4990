/** Every engagement report's definition, by name (reporting-api.md §1.2). */
import type { EngagementReportName } from './columns.js';
import type { ReportDefinition } from './definition.js';
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

export const REPORT_DEFINITIONS: Record<EngagementReportName, ReportDefinition> = {
  project_engagement_summary_raw: projectEngagementSummaryRaw,
  user_engagement_summary_raw: userEngagementSummaryRaw,
  experience_engagement_summary_raw: experienceEngagementSummaryRaw,
  poll_widget_summary: pollWidgetSummary,
  signin_widget_summary: signinWidgetSummary,
  user_stream_raw: userStreamRaw,
  project_stream_raw: projectStreamRaw,
  experience_stream_raw: experienceStreamRaw,
  poll_widget_detail: pollWidgetDetail,
  signin_widget_detail: signinWidgetDetail,
  chapter_summary: chapterSummary,
  widget_user_sentiment_summary: widgetUserSentimentSummary,
  daily_engagement_summary: dailyEngagementSummary,
};

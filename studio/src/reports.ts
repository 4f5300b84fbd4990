/**
 * The reports the Studio opens: the thirteen engagement reports and the four analytics reports.
 * Names, columns and column kinds come from the server's own list (src/domain/reports/columns.ts),
 * so a column added there shows here; this file adds only what a person reads — titles, groups and
 * one-line descriptions — and the flat columns of the analytics reports' nested JSON.
 */
import {
  ANALYTICS_REPORTS,
  ENGAGEMENT_REPORTS,
  type AnalyticsReportName,
  type ColumnKind,
  type EngagementReportName,
} from './domain.js';

export type ReportId = EngagementReportName | AnalyticsReportName;

export interface Column {
  key: string;
  label: string;
  kind: ColumnKind | 'boolean';
}

export interface ReportInfo {
  id: ReportId;
  family: 'engagement' | 'analytics';
  title: string;
  group: string;
  description: string;
}

const TEXT: Record<ReportId, [group: string, title: string, description: string]> = {
  daily_engagement_summary: [
    'Overview',
    'Plays per day',
    'Loads, plays and plays with an interaction for each day of the range.',
  ],
  project_engagement_summary_raw: [
    'Engagement',
    'Project engagement',
    'Loads, plays, interaction rate, view time and audience per project.',
  ],
  experience_engagement_summary_raw: [
    'Engagement',
    'Experience engagement',
    'Loads, plays, interaction rate and percent viewed per experience.',
  ],
  user_engagement_summary_raw: [
    'Engagement',
    'User engagement',
    'Time watched, sessions and interactions per viewer.',
  ],
  chapter_summary: ['Engagement', 'Chapters', 'Views and menu clicks per chapter.'],
  poll_widget_summary: ['Widgets', 'Poll summary', 'Viewers who chose each answer of each poll.'],
  poll_widget_detail: ['Widgets', 'Poll responses', 'Every poll answer submitted.'],
  signin_widget_summary: [
    'Widgets',
    'Sign-in summary',
    'Views, sign-ins, skips and conversion per sign-in widget.',
  ],
  signin_widget_detail: ['Widgets', 'Sign-ins', 'Every sign-in submitted, manual or automatic.'],
  widget_user_sentiment_summary: [
    'Widgets',
    'Sentiment',
    'How viewers rated each project: median, top and bottom ratings.',
  ],
  'quiz/actions': ['Quizzes', 'Quiz actions', 'Quiz answers submitted per project.'],
  'quiz/project/summary': [
    'Quizzes',
    'Quiz summary',
    'Responses to each answer of each question of one project; the correct answer is marked.',
  ],
  'gradebook/summary': [
    'Quizzes',
    'Gradebook',
    'Correct answers per viewer; choose a viewer to see their answers.',
  ],
  'gradebook/users/answers': [
    'Quizzes',
    'Gradebook answers',
    'Each viewer’s latest answer to each question.',
  ],
  user_stream_raw: ['Streams', 'User stream', 'Every action, with the viewer where known.'],
  project_stream_raw: ['Streams', 'Project stream', 'Every action in each project.'],
  experience_stream_raw: ['Streams', 'Experience stream', 'Every action inside an experience.'],
};

const ORDER: ReportId[] = [
  'daily_engagement_summary',
  'project_engagement_summary_raw',
  'experience_engagement_summary_raw',
  'user_engagement_summary_raw',
  'chapter_summary',
  'poll_widget_summary',
  'poll_widget_detail',
  'signin_widget_summary',
  'signin_widget_detail',
  'widget_user_sentiment_summary',
  'quiz/actions',
  'quiz/project/summary',
  'gradebook/summary',
  'gradebook/users/answers',
  'user_stream_raw',
  'project_stream_raw',
  'experience_stream_raw',
];

export function isEngagement(id: ReportId): id is EngagementReportName {
  return Object.hasOwn(ENGAGEMENT_REPORTS, id);
}

export const REPORTS: readonly ReportInfo[] = ORDER.map((id) => {
  const [group, title, description] = TEXT[id];
  return { id, family: isEngagement(id) ? 'engagement' : 'analytics', group, title, description };
});

// Every report of the server's list has its place above (a report added there must be added here).
for (const id of [...Object.keys(ENGAGEMENT_REPORTS), ...ANALYTICS_REPORTS] as ReportId[]) {
  if (!ORDER.includes(id)) throw new Error(`the Studio does not list the report ${id}`);
}

export function reportInfo(id: ReportId): ReportInfo {
  return REPORTS.find((r) => r.id === id)!;
}

const WORDS: Record<string, string> = {
  id: 'ID',
  ids: 'IDs',
  seconds: '(s)',
  percent: '%',
};

/** `plays_with_interaction` → `Plays with interaction`, `project_ids` → `Project IDs`. */
export function columnLabel(key: string): string {
  const words = key.split('_').map((w) => WORDS[w] ?? w);
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function engagementColumns(report: EngagementReportName): Column[] {
  return ENGAGEMENT_REPORTS[report].map(([key, kind]) => ({ key, label: columnLabel(key), kind }));
}

const col = (key: string, kind: Column['kind']): Column => ({
  key,
  label: columnLabel(key),
  kind,
});

/** The flat table of each analytics report (reporting-api.md §2): one row per innermost item. */
export const ANALYTICS_COLUMNS: Record<AnalyticsReportName, Column[]> = {
  'gradebook/summary': [
    col('user_id', 'text'),
    col('total_correct_answers', 'integer'),
    col('total_question_count', 'integer'),
    { key: 'score', label: 'Score', kind: 'rate' },
  ],
  'gradebook/users/answers': [
    col('user_id', 'text'),
    col('project_id', 'text'),
    col('project_title', 'text'),
    col('question', 'text'),
    col('answer', 'text'),
    col('correct', 'boolean'),
    col('submitted_at', 'timestamp'),
  ],
  'quiz/actions': [
    col('project_id', 'text'),
    col('project_title', 'text'),
    col('actions', 'integer'),
  ],
  'quiz/project/summary': [
    col('question', 'text'),
    col('answer', 'text'),
    col('correct', 'boolean'),
    col('num_responses', 'integer'),
    { key: 'percent', label: '% of the question’s responses', kind: 'percent' },
  ],
};

/** The four analytics reports by name (reporting-api.md §2); details in docs/analytics.md. */
import type { AnalyticsReportName } from '../columns.js';
import type { AnalyticsDefinition } from './definition.js';
import { gradebookSummary, gradebookUserAnswers } from './gradebook.js';
import { quizActions, quizProjectSummary } from './quiz.js';

export const ANALYTICS_DEFINITIONS: Record<AnalyticsReportName, AnalyticsDefinition> = {
  'gradebook/summary': gradebookSummary,
  'gradebook/users/answers': gradebookUserAnswers,
  'quiz/actions': quizActions,
  'quiz/project/summary': quizProjectSummary,
};

export type { AnalyticsDefinition, AnalyticsOutput } from './definition.js';
export { parseAnalyticsQuery, type AnalyticsScope } from './params.js';
export { projectKnownSql } from './sql.js';

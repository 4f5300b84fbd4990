/**
 * What the user asked for — account, date range, filters — and the API URLs it makes. Ranges are
 * whole UTC days, as the reports count them. The Studio does not check the six-month limit
 * itself: the server refuses a longer range with a 400 naming the rule, and that message is shown.
 */
import {
  addDays,
  dayOf,
  parseDay,
  type AnalyticsReportName,
  type EngagementReportName,
  type Format,
} from './domain.js';

export interface Query {
  accountId: string;
  /** First day, inclusive (`YYYY-MM-DD`, UTC). */
  start: string;
  /** Last day, inclusive. */
  end: string;
  projectIds: readonly string[];
  experienceIds: readonly string[];
}

export const PRESETS = [7, 30, 90] as const;
export type Preset = (typeof PRESETS)[number];

export const todayUtc = (): string => dayOf(new Date());

/** "Last N days": N calendar days ending today (UTC), today included. */
export function presetRange(days: Preset, today = todayUtc()): { start: string; end: string } {
  return { start: addDays(today, -(days - 1)), end: today };
}

export const isDay = (text: string): boolean => parseDay(text) !== null;

/** Days from `start` to `end`, both included (the x axis of the daily chart). */
export function daysOf(start: string, end: string, max = 400): string[] {
  const days: string[] = [];
  for (let day = start; day <= end && days.length < max; day = addDays(day, 1)) days.push(day);
  return days;
}

/** GET /api/reports/v2/{report} with send_status=true, so the page can show the job's state. */
export function engagementUrl(report: EngagementReportName, q: Query, format: Format): string {
  const params = new URLSearchParams({
    start: q.start,
    end: q.end,
    format,
    send_status: 'true',
    account_id: q.accountId,
  });
  if (q.projectIds.length > 0) params.set('project_id', q.projectIds.join(','));
  if (q.experienceIds.length > 0) params.set('experience_id', q.experienceIds.join(','));
  return `/api/reports/v2/${report}?${params}`;
}

/**
 * GET /v1/accounts/{id}/reports/{report}. These take one `project_id`: the project filter applies
 * when exactly one project is chosen (see `analyticsProject`); experiences do not apply.
 */
export function analyticsUrl(
  report: AnalyticsReportName,
  q: Query,
  extra: Record<string, string> = {},
): string {
  const params = new URLSearchParams({ start_time: q.start, end_time: q.end });
  const project = analyticsProject(q);
  if (project !== undefined) params.set('project_id', project);
  for (const [name, value] of Object.entries(extra)) params.set(name, value);
  return `/v1/accounts/${encodeURIComponent(q.accountId)}/reports/${report}?${params}`;
}

export function analyticsProject(q: Query): string | undefined {
  return q.projectIds.length === 1 ? q.projectIds[0] : undefined;
}

export function sameQuery(a: Query, b: Query): boolean {
  return (
    a.accountId === b.accountId &&
    a.start === b.start &&
    a.end === b.end &&
    a.projectIds.join(',') === b.projectIds.join(',') &&
    a.experienceIds.join(',') === b.experienceIds.join(',')
  );
}

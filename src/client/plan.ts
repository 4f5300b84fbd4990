/**
 * Which requests one report call makes: usually one; for a stream or detail report over more
 * than six months, one per window (concatenated in time order); for a summary over more than six
 * months, none — it is refused before anything is sent, because its rows hold distinct counts
 * (audience, plays, unique users) that cannot be added across windows.
 */
import {
  ENGAGEMENT_REPORT_NAMES,
  ROW_PER_EVENT_REPORTS,
  type EngagementReportName,
} from '../domain/reports/columns.js';
import { dayOf, parseDay } from '../domain/reports/dates.js';
import { earliestStart, exceedsMaxRange, splitRange } from '../domain/reports/windows.js';
import { ValidationError } from './errors.js';

export interface PlannedWindow {
  /** Sent as `start`/`end`; undefined leaves the server's default (end − 7 days, today). */
  start: string | undefined;
  end: string | undefined;
}

export function isReportName(name: string): name is EngagementReportName {
  return (ENGAGEMENT_REPORT_NAMES as readonly string[]).includes(name);
}

/** Refuses an unknown report name before any request, listing the valid ones. */
export function checkReportName(name: string): asserts name is EngagementReportName {
  if (!isReportName(name)) {
    throw new ValidationError(
      `no report named ${JSON.stringify(name)}; valid names: ${ENGAGEMENT_REPORT_NAMES.join(', ')}`,
      { code: 'UNKNOWN_REPORT' },
    );
  }
}

/**
 * The windows for `report` over `start`…`end`. Dates that do not parse, or a start after the
 * end, are sent as given: the server's 400 names the problem better than we could.
 */
export function planWindows(
  report: EngagementReportName,
  range: { start?: string | undefined; end?: string | undefined },
  now: Date = new Date(),
): PlannedWindow[] {
  const asked = [{ start: range.start, end: range.end }];
  // Without a start the server's default range is 8 days: never too long.
  if (range.start === undefined || parseDay(range.start) === null) return asked;
  const end = range.end ?? dayOf(now);
  if (parseDay(end) === null || range.start > end) return asked;
  const whole = { start: range.start, end };
  if (!exceedsMaxRange(whole)) return asked;
  if (!ROW_PER_EVENT_REPORTS.includes(report)) {
    throw new ValidationError(
      `${report} is a summary: the range ${whole.start} to ${whole.end} is longer than the six months ` +
        'one request may cover, and a summary cannot be split into windows because its distinct ' +
        'counts (viewers, plays, unique users) cannot be added across them. Ask for at most six ' +
        `months (start on or after ${earliestStart(whole.end)}). Stream and detail reports ` +
        `(${ROW_PER_EVENT_REPORTS.join(', ')}) are split automatically.`,
      { code: 'RANGE_TOO_LONG' },
    );
  }
  return splitRange(whole);
}

/**
 * Splitting a long date range into windows the engagement API accepts (reporting-api.md §1.1,
 * §1.4: at most six calendar months, `start` on or after `end` minus 6 months). Pure; the SDK
 * uses it to fetch stream and detail reports over longer ranges.
 */
import { addDays, minusMonths } from './dates.js';
import { MAX_RANGE_MONTHS } from './request.js';

export interface DayRange {
  /** First day, inclusive, `YYYY-MM-DD`. */
  start: string;
  /** Last day, inclusive, `YYYY-MM-DD`. */
  end: string;
}

/** Whether `start`…`end` is longer than the API accepts in one request. */
export function exceedsMaxRange(range: DayRange): boolean {
  return range.start < minusMonths(range.end, MAX_RANGE_MONTHS);
}

/** The earliest `start` the API accepts for this `end`. */
export function earliestStart(end: string): string {
  return minusMonths(end, MAX_RANGE_MONTHS);
}

/**
 * Contiguous, non-overlapping windows covering `start`…`end` in time order, each as long as the
 * API allows. Built backwards from `end` with the server's own rule, so every window is accepted
 * by construction (a forward split would have to invert `minusMonths`, which clamps month ends);
 * the first window is the short one. A range within the limit is one window.
 */
export function splitRange(range: DayRange): DayRange[] {
  const windows: DayRange[] = [];
  let end = range.end;
  while (end >= range.start) {
    const earliest = earliestStart(end);
    const start = earliest > range.start ? earliest : range.start;
    windows.push({ start, end });
    end = addDays(start, -1);
  }
  return windows.reverse();
}

/**
 * Parses an analytics report request's query string (reporting-api.md §2, details.md §3) into a
 * typed scope, or throws a 400 naming the parameter and the accepted form. Pure: "now" is passed in.
 *
 * Time range: `start_time` inclusive; `end_time` inclusive (a date-only `end_time` covers its whole
 * day). Internally the range is the half-open interval [from, to).
 */
import { badRequest } from '../../errors.js';
import type { AnalyticsReportName } from '../columns.js';
import { minusMonths, parseDay } from '../dates.js';

export const ANALYTICS_MAX_RANGE_MONTHS = 6;

/** The parameters each report reads; anything else in the query string is ignored. */
const PARAMETERS: Record<AnalyticsReportName, readonly string[]> = {
  'gradebook/summary': ['project_id', 'start_time', 'end_time'],
  'gradebook/users/answers': ['project_id', 'start_time', 'end_time', 'user_id', 'show_details'],
  'quiz/actions': ['project_id', 'start_time', 'end_time'],
  'quiz/project/summary': ['project_id', 'start_time', 'end_time'],
};

export interface AnalyticsScope {
  accountId: string;
  /** First instant in range (inclusive). */
  from: Date;
  /** First instant after the range (exclusive). */
  to: Date;
  projectId: string | undefined;
  userId: string | undefined;
  showDetails: boolean;
}

const DAY_MS = 86_400_000;
/** Calendar arithmetic and ISO-8601 output hold within these years (an offset can push past them). */
const EARLIEST_ACCEPTED = Date.parse('1000-01-01T00:00:00.000Z');
const LATEST_ACCEPTED = Date.parse('9999-12-31T23:59:59.999Z');

const DATE_FORMS =
  'a date (YYYY-MM-DD) or an RFC 3339 date-time with Z or an offset (YYYY-MM-DDTHH:MM:SSZ, YYYY-MM-DDTHH:MM:SS.sss+HH:MM)';

const DATE_TIME =
  /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+\- ])(\d{2}):(\d{2}))$/;

interface Instant {
  at: Date;
  dateOnly: boolean;
}

/**
 * `YYYY-MM-DD` (00:00 UTC that day) or an RFC 3339 date-time with `Z` or an offset; fractions
 * beyond milliseconds are cut. A space where the offset's sign belongs is read as `+`: an
 * unencoded `+` in a query string arrives as a space.
 */
export function parseInstant(text: string): Instant | null {
  const day = parseDay(text);
  if (day) return { at: new Date(`${day}T00:00:00.000Z`), dateOnly: true };
  const m = DATE_TIME.exec(text);
  if (!m || !parseDay(m[1]!)) return null;
  const [hour, minute, second] = [Number(m[2]), Number(m[3]), Number(m[4])];
  if (hour > 23 || minute > 59 || second > 59) return null;
  const ms = Number((m[5] ?? '').padEnd(3, '0').slice(0, 3));
  let offsetMinutes = 0;
  if (!m[6]) {
    const [oh, om] = [Number(m[8]), Number(m[9])];
    if (oh > 23 || om > 59) return null;
    offsetMinutes = (m[7] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const local = Date.parse(`${m[1]}T00:00:00.000Z`) + ((hour * 60 + minute) * 60 + second) * 1000;
  return { at: new Date(local + ms - offsetMinutes * 60_000), dateOnly: false };
}

/** `at` minus `months` calendar months, the day clamped to the month's end, time of day kept. */
export function instantMinusMonths(at: Date, months: number): Date {
  const iso = at.toISOString();
  return new Date(`${minusMonths(iso.slice(0, 10), months)}${iso.slice(10)}`);
}

/** Reads the raw query string: a parameter given twice is a 400; an empty value is absent. */
function readParameters(search: string, known: readonly string[]): Map<string, string> {
  const values = new Map<string, string>();
  const seen = new Set<string>();
  for (const [name, value] of new URLSearchParams(search)) {
    if (!known.includes(name)) continue;
    if (seen.has(name)) throw badRequest(name, `${name} is given more than once; give it once`);
    seen.add(name);
    // A NUL cannot be stored in either engine and would cut the SQL text short.
    if (value.includes('\0')) throw badRequest(name, `${name} must not contain a NUL character`);
    if (value !== '') values.set(name, value);
  }
  return values;
}

function oneId(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  // IDs never contain `,` or `|` (details.md §1): a list here is a mistake, not an ID.
  if (value.includes(',') || value.includes('|')) {
    throw badRequest(name, `${name} must be one ID, got ${JSON.stringify(value)}`);
  }
  return value;
}

function instantParameter(
  q: Map<string, string>,
  name: 'start_time' | 'end_time',
): Instant | undefined {
  const raw = q.get(name);
  if (raw === undefined) return undefined;
  const parsed = parseInstant(raw);
  if (!parsed) throw badRequest(name, `${name} must be ${DATE_FORMS}, got ${JSON.stringify(raw)}`);
  const at = parsed.at.getTime();
  if (at < EARLIEST_ACCEPTED || at > LATEST_ACCEPTED) {
    throw badRequest(
      name,
      `${name} must be between 1000-01-01 and 9999-12-31 (UTC), got ${JSON.stringify(raw)}`,
    );
  }
  return parsed;
}

export function parseAnalyticsQuery(
  report: AnalyticsReportName,
  accountId: string,
  search: string,
  now: Date,
): AnalyticsScope {
  const q = readParameters(search, PARAMETERS[report]);
  const start = instantParameter(q, 'start_time');
  const end = instantParameter(q, 'end_time');

  // `anchor` is the end as written (a date-only end counts as its date, as in the engagement
  // family's six-month rule); `last` is the last instant the range includes.
  const anchor = end?.at ?? now;
  const last = end ? (end.dateOnly ? new Date(end.at.getTime() + DAY_MS - 1) : end.at) : now;
  const earliest = instantMinusMonths(anchor, ANALYTICS_MAX_RANGE_MONTHS);
  const from = start?.at ?? earliest;
  const shown = (at: Date) => at.toISOString();
  if (from.getTime() > last.getTime()) {
    throw badRequest(
      'start_time',
      `start_time (${shown(from)}) is after end_time (${end ? shown(last) : `now, ${shown(now)}`}); start_time must be on or before end_time`,
    );
  }
  if (from.getTime() < earliest.getTime()) {
    throw badRequest(
      'start_time',
      `the range ${shown(from)} to ${shown(last)} is longer than ${ANALYTICS_MAX_RANGE_MONTHS} months; start_time must be on or after ${shown(earliest)}`,
    );
  }

  const projectId = oneId('project_id', q.get('project_id'));
  if (report === 'quiz/project/summary' && projectId === undefined) {
    throw badRequest('project_id', 'project_id is required: give the ID of one project');
  }
  const details = q.get('show_details');
  if (details !== undefined && !['true', 'false'].includes(details.toLowerCase())) {
    throw badRequest(
      'show_details',
      `show_details must be true or false, got ${JSON.stringify(details)}`,
    );
  }
  return {
    accountId,
    from,
    to: new Date(last.getTime() + 1),
    projectId,
    userId: q.get('user_id'),
    showDetails: details?.toLowerCase() === 'true',
  };
}

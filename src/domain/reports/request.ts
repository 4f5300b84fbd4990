/**
 * Parses an engagement report request's query string (reporting-api.md §1.1) into a typed request,
 * or throws a 400 naming the parameter and the accepted form. Pure: "today" is passed in.
 */
import { badRequest, listAccepted } from '../errors.js';
import { FORMATS, type Format } from './columns.js';
import { addDays, minusMonths, parseDay } from './dates.js';
import type { ReportScope } from './definition.js';

export const MAX_RANGE_MONTHS = 6;

export interface ParsedQuery {
  start: string;
  end: string;
  format: Format;
  sendStatus: boolean;
  accountId: string | undefined;
  projectIds: string[];
  experienceIds: string[];
}

const KNOWN = [
  'start',
  'end',
  'format',
  'send_status',
  'account_id',
  'project_id',
  'experience_id',
] as const;

/** Reads the raw query string: a known parameter given twice is a 400; an empty value is absent. */
export function readQuery(search: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(search)) {
    if (!(KNOWN as readonly string[]).includes(name)) continue; // anything else is ignored
    if (values.has(name) || (value !== '' && values.get(name) === '')) {
      throw badRequest(name, `${name} is given more than once; give it once`);
    }
    values.set(name, value);
  }
  for (const [name, value] of values) if (value === '') values.delete(name);
  return values;
}

function idList(name: string, value: string | undefined): string[] {
  if (value === undefined) return [];
  const ids = value.split(',');
  if (ids.some((id) => id.trim() === '')) {
    throw badRequest(name, `${name} has an empty ID; give one ID or a comma-separated list of IDs`);
  }
  return [...new Set(ids.map((id) => id.trim()))].sort();
}

export function parseReportQuery(search: string, today: string): ParsedQuery {
  const q = readQuery(search);
  const day = (name: 'start' | 'end'): string | undefined => {
    const raw = q.get(name);
    if (raw === undefined) return undefined;
    const parsed = parseDay(raw);
    if (!parsed)
      throw badRequest(
        name,
        `${name} must be a real date in the form YYYY-MM-DD, got ${JSON.stringify(raw)}`,
      );
    return parsed;
  };
  const end = day('end') ?? today;
  const start = day('start') ?? addDays(end, -7);
  if (start > end)
    throw badRequest(
      'start',
      `start (${start}) is after end (${end}); start must be on or before end`,
    );
  const earliest = minusMonths(end, MAX_RANGE_MONTHS);
  if (start < earliest) {
    throw badRequest(
      'start',
      `the range ${start} to ${end} is longer than ${MAX_RANGE_MONTHS} months; start must be on or after ${earliest}`,
    );
  }
  const formatRaw = (q.get('format') ?? 'json').toLowerCase();
  if (!(FORMATS as readonly string[]).includes(formatRaw)) {
    throw badRequest(
      'format',
      `format must be ${listAccepted(FORMATS)}, got ${JSON.stringify(q.get('format'))}`,
    );
  }
  return {
    start,
    end,
    format: formatRaw as Format,
    sendStatus: (q.get('send_status') ?? '').toLowerCase() === 'true',
    accountId: q.get('account_id'),
    projectIds: idList('project_id', q.get('project_id')),
    experienceIds: idList('experience_id', q.get('experience_id')),
  };
}

/** The report identity (§1.3): what makes two requests the same job. `format` is not part of it. */
export function reportIdentity(report: string, scope: ReportScope): string {
  return JSON.stringify([
    scope.accountId,
    report,
    scope.start,
    scope.end,
    scope.projectIds,
    scope.experienceIds,
  ]);
}

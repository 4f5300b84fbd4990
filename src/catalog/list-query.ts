/**
 * The query parameters of the catalog's lists and counts (catalog.md): paging, sorting and the
 * title and tag filters, parsed into a `ListQuery`. Every failure is a 400 naming the parameter.
 *
 * - An empty value counts as absent (forms send empty fields).
 * - `tag` may be repeated and each value may be comma-separated: `tag=a,b` is `tag=a&tag=b`.
 * - Any other parameter given twice, or a parameter the list does not know, is a 400, so a
 *   misspelt `page_size` is not silently ignored.
 */
import { badRequest, listAccepted } from '../domain/errors.js';
import type { ListQuery } from '../store/store.js';

export const MAX_PAGE_SIZE = 100;
export const SORT_BY = ['updated_at', 'created_at', 'title'] as const;
export const ORDER_BY = ['desc', 'asc'] as const;
export const TAG_MATCH_MODES = ['any', 'all'] as const;

export const DEFAULT_LIST_QUERY: Readonly<ListQuery> = Object.freeze({
  page: 1,
  pageSize: 10,
  sortBy: 'updated_at',
  order: 'desc',
  tagMatch: 'any',
});

/** What a list offers: projects filter by tags; experiences and annotations do not. */
export type ListKind = 'tagged' | 'untagged';

const PARAMETERS = {
  tagged: ['page', 'pageSize', 'sort_by', 'order_by', 'title', 'tag', 'tag_match_mode'],
  untagged: ['page', 'pageSize', 'sort_by', 'order_by', 'title'],
} as const;

type Raw = Record<string, string[]>;

/** Fastify's query object (a value or a list of values per name) as lists of non-empty values. */
function normalise(query: unknown): Raw {
  const raw: Raw = {};
  if (typeof query !== 'object' || query === null) return raw;
  for (const [name, value] of Object.entries(query)) {
    const values = (Array.isArray(value) ? value : [value]).map(String).filter((v) => v !== '');
    if (values.length > 0) raw[name] = values;
  }
  return raw;
}

function single(raw: Raw, name: string): string | undefined {
  const values = raw[name];
  if (values && values.length > 1) throw badRequest(name, `${name}: given more than once`);
  return values?.[0];
}

function wholeNumber(raw: Raw, name: string, min: number, max: number): number | undefined {
  const text = single(raw, name);
  if (text === undefined) return undefined;
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `from ${min} to ${max}`;
    throw badRequest(name, `${name}: expected a whole number ${range}, got "${text}"`);
  }
  return value;
}

function oneOf<T extends string>(raw: Raw, name: string, accepted: readonly T[]): T | undefined {
  const text = single(raw, name);
  if (text === undefined) return undefined;
  const value = accepted.find((a) => a === text);
  if (value === undefined)
    throw badRequest(name, `${name}: expected ${listAccepted(accepted)}, got "${text}"`);
  return value;
}

/** Parses a list's query string; `kind` says whether tag filters are accepted. */
export function parseListQuery(query: unknown, kind: ListKind): ListQuery {
  const raw = normalise(query);
  const known: readonly string[] = PARAMETERS[kind];
  for (const name of Object.keys(raw)) {
    if (!known.includes(name))
      throw badRequest(name, `${name}: unknown parameter; accepted: ${known.join(', ')}`);
  }
  const tags = raw.tag?.flatMap((value) => value.split(',')).filter((tag) => tag !== '');
  return {
    page: wholeNumber(raw, 'page', 1, Number.MAX_SAFE_INTEGER) ?? DEFAULT_LIST_QUERY.page,
    pageSize: wholeNumber(raw, 'pageSize', 1, MAX_PAGE_SIZE) ?? DEFAULT_LIST_QUERY.pageSize,
    sortBy: oneOf(raw, 'sort_by', SORT_BY) ?? DEFAULT_LIST_QUERY.sortBy,
    order: oneOf(raw, 'order_by', ORDER_BY) ?? DEFAULT_LIST_QUERY.order,
    title: single(raw, 'title'),
    tags: tags && tags.length > 0 ? [...new Set(tags)] : undefined,
    tagMatch: oneOf(raw, 'tag_match_mode', TAG_MATCH_MODES) ?? DEFAULT_LIST_QUERY.tagMatch,
  };
}

/** Fills a query built in code with the defaults and holds it to the same limits as HTTP. */
export function completeListQuery(query: Partial<ListQuery>): ListQuery {
  const given = Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined));
  const full: ListQuery = { ...DEFAULT_LIST_QUERY, ...given };
  if (!Number.isSafeInteger(full.page) || full.page < 1)
    throw badRequest('page', `page: expected a whole number 1 or more, got ${full.page}`);
  if (!Number.isSafeInteger(full.pageSize) || full.pageSize < 1 || full.pageSize > MAX_PAGE_SIZE)
    throw badRequest(
      'pageSize',
      `pageSize: expected a whole number from 1 to ${MAX_PAGE_SIZE}, got ${full.pageSize}`,
    );
  return full;
}

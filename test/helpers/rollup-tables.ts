/**
 * What both rollup tests (test/rollups-duckdb.test.ts, test/store-rollups-postgres.test.ts) compare:
 * the rollups as stored, merged per key (what reports read), against one fold of every event with
 * the catalog of now — each table's rows ordered by every column, so two relations compare row
 * for row on either engine.
 */
import type { SqlDialect } from '../../src/domain/reports/definition.js';
import {
  CHAPTER_DAYS_COLUMNS,
  PROJECT_DAYS_COLUMNS,
  SESSION_DAYS_COLUMNS,
  WIDGET_EVENTS_COLUMNS,
  foldChapterDays,
  foldProjectDays,
  foldSessionDays,
  foldWidgetEvents,
  mergeChapterDays,
  mergeProjectDays,
  mergeSessionDays,
} from '../../src/domain/reports/rollups.js';

type Row = Record<string, unknown>;
/** A store database's query: `DuckDb.all` or `PgDb.all`. */
type All<P> = (sql: string, params?: P[]) => Promise<Row[]>;

const byEveryColumn = (columns: readonly unknown[]) =>
  `ORDER BY ${columns.map((_, i) => i + 1).join(', ')}`;

export function rollupTables<P>(all: All<P>, dialect: SqlDialect) {
  const inOrder = (select: string, columns: readonly unknown[], params?: P[]) =>
    all(`SELECT * FROM (${select}) m ${byEveryColumn(columns)}`, params);
  /** Per table: the rows of `source` (a table, or a subquery with its alias), merged per key. */
  const sessions = (source: string, params?: P[]) =>
    inOrder(mergeSessionDays(source, dialect), SESSION_DAYS_COLUMNS, params);
  const projects = (source: string) =>
    inOrder(mergeProjectDays(source, dialect), PROJECT_DAYS_COLUMNS);
  const chapters = (source: string, params?: P[]) =>
    inOrder(mergeChapterDays(source, dialect), CHAPTER_DAYS_COLUMNS, params);
  /** `widget_events` is not merged: its rows as they are. */
  const widgets = (source: string) => inOrder(`SELECT * FROM ${source}`, WIDGET_EVENTS_COLUMNS);
  return {
    sessions,
    projects,
    chapters,
    widgets,
    /** The rollups as stored, merged per key: what reports read. */
    merged: async () => ({
      sessions: await sessions('session_days'),
      projects: await projects('project_days'),
      chapters: await chapters('chapter_days'),
      widgets: await widgets('widget_events'),
    }),
    /** One fold of every event, with the catalog as it is now. */
    foldedNow: async () => ({
      sessions: await sessions(`(${foldSessionDays('events', dialect)}) f`),
      projects: await projects(`(${foldProjectDays('events', dialect)}) f`),
      chapters: await chapters(`(${foldChapterDays('events', dialect)}) f`),
      widgets: await widgets(`(${foldWidgetEvents('events', dialect)}) f`),
    }),
    /**
     * PostgreSQL: the sessions with more than one partial marked `alone`, which reports would count
     * more than once; there must be none (src/store/postgres/rollups.ts).
     */
    aloneTwice: () =>
      all(`SELECT account_id, session_id FROM session_days GROUP BY account_id, session_id
        HAVING count(*) FILTER (WHERE alone) > 1 ORDER BY 1, 2`),
    /** PostgreSQL: the sessions whose only partial is not `alone`; none once their days are compacted. */
    unsettled: () =>
      all(`SELECT account_id, session_id FROM session_days GROUP BY account_id, session_id
        HAVING count(*) = 1 AND NOT bool_or(alone) ORDER BY 1, 2`),
    /** PostgreSQL: how many partials are marked `alone`. */
    aloneCount: async () =>
      Number((await all('SELECT count(*) AS n FROM session_days WHERE alone'))[0]?.n),
    /** The stored rows of each table, unmerged. */
    stored: async () => ({
      sessions: await inOrder(
        `SELECT ${SESSION_DAYS_COLUMNS.map(([name]) => name).join(', ')} FROM session_days`,
        SESSION_DAYS_COLUMNS,
      ),
      projects: await inOrder('SELECT * FROM project_days', PROJECT_DAYS_COLUMNS),
      chapters: await inOrder('SELECT * FROM chapter_days', CHAPTER_DAYS_COLUMNS),
      widgets: await widgets('widget_events'),
    }),
  };
}

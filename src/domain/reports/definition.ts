/**
 * A report definition: its name and one SQL query over the `events` table and the catalog tables
 * (`projects`, `annotations`, `experiences`; see src/store/duckdb/migrations.ts). Reading one
 * definition tells the whole story of a report. The SQL is written once, in the dialect DuckDB and
 * PostgreSQL share; the engine wraps it to round and print values by column kind and to apply the
 * row cap, so definitions return raw values.
 */
import type { EngagementReportName } from './columns.js';

/**
 * The engines report SQL runs on. The SQL is one text for both but for the few spellings they do
 * not share (the dialect seams: `jsonSql` in sql.ts).
 */
export const SQL_DIALECTS = ['duckdb', 'postgres'] as const;
export type SqlDialect = (typeof SQL_DIALECTS)[number];

export interface ReportScope {
  accountId: string;
  /** First day, inclusive, `YYYY-MM-DD` (UTC). */
  start: string;
  /** Last day, inclusive, `YYYY-MM-DD` (UTC): events before the next day's midnight count. */
  end: string;
  /** Filters; empty means all. Sorted and de-duplicated. */
  projectIds: readonly string[];
  experienceIds: readonly string[];
}

export interface ReportDefinition {
  name: EngagementReportName;
  /** What one row stands for, in words (for docs and the OpenAPI description). */
  grain: string;
  /**
   * One SELECT whose output columns are exactly the report's columns, in order, and whose rows are
   * in the report's order (reporting-api.md §1.2). Values are raw: numbers unrounded, timestamps as
   * TIMESTAMP, lists as arrays of text. `dialect` selects the spelling of the dialect seams.
   * `limit`: the most rows the caller keeps (the engine applies it), so that a report may read only
   * what those rows need; absent, every row.
   */
  sql(scope: ReportScope, dialect: SqlDialect, limit?: number): string;
  /**
   * `SET LOCAL …` statements PostgreSQL runs the query after, for a report whose plan its
   * estimates get measurably wrong (docs/performance.md). DuckDB has no such settings.
   */
  postgresSettings?: string;
}

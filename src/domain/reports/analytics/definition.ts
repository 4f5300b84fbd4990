/**
 * An analytics report (reporting-api.md §2): a few SELECTs that aggregate in the engine and return
 * flat, ordered rows, and a pure function that nests those rows into the report's JSON shape.
 */
import type { AnalyticsScope } from './params.js';

export type Row = Record<string, unknown>;

export interface AnalyticsOutput<R = unknown> {
  /** The value sent as `{"result": …}`. */
  result: R;
  /** True when rows beyond the cap were left out. */
  truncated: boolean;
}

export interface AnalyticsDefinition<R = unknown> {
  /**
   * The SELECTs to run, by name, in order. The capped query asks for `cap + 1` rows so that
   * `shape` can tell a full result from a truncated one.
   */
  queries(scope: AnalyticsScope, cap: number): Record<string, string>;
  /** Nests the rows of each query (by the same names) into the result. */
  shape(rows: Record<string, Row[]>, scope: AnalyticsScope, cap: number): AnalyticsOutput<R>;
}

/** The first `cap` rows and whether there were more. */
export function capped(rows: Row[] | undefined, cap: number): { rows: Row[]; truncated: boolean } {
  const all = rows ?? [];
  return { rows: all.slice(0, cap), truncated: all.length > cap };
}

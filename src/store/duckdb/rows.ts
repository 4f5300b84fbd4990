/** Conversions between DuckDB's JS values and the store's plain types. */
export { iso, json, numOrNull, str, strOrNull } from '../rows.js';

/**
 * DuckDB TIMESTAMP text (UTC, no zone) for a Date. Times are always made in JavaScript and passed
 * this way, never with now(), whose TIMESTAMP value would depend on DuckDB's time zone setting.
 */
export function tsParam(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

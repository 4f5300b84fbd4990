/** Conversions between DuckDB's JS values and the store's plain types. */
export function iso(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  return new Date(String(value)).toISOString();
}

export function str(value: unknown): string {
  return String(value);
}

export function strOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

export function numOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

export function json<T>(value: unknown): T {
  return JSON.parse(String(value)) as T;
}

/**
 * DuckDB TIMESTAMP text (UTC, no zone) for a Date. Times are always made in JavaScript and passed
 * this way, never with now(), whose TIMESTAMP value would depend on DuckDB's time zone setting.
 */
export function tsParam(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

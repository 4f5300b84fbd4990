/** Conversions between `pg`'s row values and the store's plain types. */
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

/** A count or BIGINT, which `pg` returns as text to keep 64 bits exact. */
export function num(value: unknown): number {
  return value === null || value === undefined ? 0 : Number(value);
}

export function json<T>(value: unknown): T {
  return JSON.parse(String(value)) as T;
}

/** A TIMESTAMP column read as a Date (database.ts parses them as UTC); null stays null. */
export function dateOrNull(value: unknown): Date | null {
  return value instanceof Date ? value : null;
}

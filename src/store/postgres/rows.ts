/** Conversions between `pg`'s row values and the store's plain types. */
export { dateOrNull, iso, json, numOrNull, str, strOrNull } from '../rows.js';

/** A count or BIGINT, which `pg` returns as text to keep 64 bits exact. */
export function num(value: unknown): number {
  return value === null || value === undefined ? 0 : Number(value);
}

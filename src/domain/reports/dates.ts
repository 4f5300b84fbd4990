/** Calendar-date rules of the engagement reports (reporting-api.md §1.1), on `YYYY-MM-DD` strings, UTC. */

const DAY_MS = 86_400_000;

/** The date if `text` is a real `YYYY-MM-DD` day, else null (`2024-02-30` is not). */
export function parseDay(text: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d)
    return null;
  return text;
}

export function dayOf(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  return dayOf(new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS));
}

/** `day` minus `months` calendar months, the day clamped to the month's end (08-31 − 6 → 02-29). */
export function minusMonths(day: string, months: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) - months;
  const year = Math.floor(total / 12);
  const month = total % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return dayOf(new Date(Date.UTC(year, month, Math.min(d, lastDay))));
}

/** The instant a report range starts (inclusive) and ends (exclusive). */
export function rangeBounds(start: string, end: string): { from: Date; to: Date } {
  return {
    from: new Date(`${start}T00:00:00.000Z`),
    to: new Date(Date.parse(`${end}T00:00:00.000Z`) + DAY_MS),
  };
}

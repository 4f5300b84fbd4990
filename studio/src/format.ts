/** How values are shown on screen, by column kind. Downloads keep the API's own values. */
import type { Column } from './reports.js';
import type { Cell } from './run.js';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 });
const percent = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

export const formatInteger = (n: number): string => integer.format(n);
export const formatDecimal = (n: number): string => decimal.format(n);
/** A fraction (0–1) as a percentage. */
export const formatRate = (n: number): string => `${percent.format(n * 100)}%`;

/** `[a, a, b]` → `a ×2, b`: the widget summaries list one project ID per submit. */
function formatList(list: readonly string[]): string {
  if (list.length <= 3) return list.join(', ');
  const counts = new Map<string, number>();
  for (const item of list) counts.set(item, (counts.get(item) ?? 0) + 1);
  return [...counts].map(([item, n]) => (n > 1 ? `${item} ×${n}` : item)).join(', ');
}

export function formatCell(value: Cell, kind: Column['kind']): string {
  if (value === null) return '—';
  if (Array.isArray(value)) return formatList(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') {
    switch (kind) {
      case 'integer':
        return formatInteger(value);
      case 'rate':
        return formatRate(value);
      case 'percent':
        return `${percent.format(value)}%`;
      default:
        return formatDecimal(value);
    }
  }
  if (kind === 'timestamp')
    return String(value)
      .replace('T', ' ')
      .replace(/\.\d+Z$|Z$/, ' UTC');
  return String(value);
}

/** Seconds as `1 h 02 min`, `3 min 05 s` or `12 s`. */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** Local clock time of an instant, e.g. for "try again at 14:05:12". */
export function clockTime(at: number): string {
  return new Date(at).toLocaleTimeString('en-GB', { hour12: false });
}

/**
 * A sortable, paged table. Only the page on screen is rendered, so 500,000 rows cost no more to
 * draw than 50; sorting orders an index (a Uint32Array) on keys extracted once per column, not
 * the rows themselves.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { formatCell, formatInteger } from '../format.js';
import type { Column } from '../reports.js';
import type { Cell, Row } from '../run.js';

export interface Sort {
  column: number;
  descending: boolean;
}

const NUMERIC = new Set<Column['kind']>(['integer', 'rate', 'percent', 'seconds', 'number']);
const PAGE_SIZES = [25, 50, 100, 250] as const;

/** Row indexes in sorted order; empty cells last in either direction; ties keep API order. */
export function sortOrder(rows: readonly Row[], column: Column, index: number, desc: boolean) {
  const n = rows.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const sign = desc ? -1 : 1;
  if (NUMERIC.has(column.kind)) {
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = rows[i]![index];
      keys[i] = typeof v === 'number' ? v : Number.NaN;
    }
    order.sort((a, b) => {
      const x = keys[a]!;
      const y = keys[b]!;
      if (Number.isNaN(x) || Number.isNaN(y)) {
        if (Number.isNaN(x) && Number.isNaN(y)) return a - b;
        return Number.isNaN(x) ? 1 : -1;
      }
      return x === y ? a - b : (x - y) * sign;
    });
    return order;
  }
  const keys: (string | null)[] = new Array<string | null>(n);
  for (let i = 0; i < n; i++) keys[i] = textKey(rows[i]![index] ?? null);
  order.sort((a, b) => {
    const x = keys[a]!;
    const y = keys[b]!;
    if (x === null || y === null) {
      if (x === y) return a - b;
      return x === null ? 1 : -1;
    }
    return x === y ? a - b : x < y ? -sign : sign;
  });
  return order;
}

function textKey(value: Cell): string | null {
  if (value === null) return null;
  if (Array.isArray(value)) return value.join('|');
  return String(value);
}

export interface DataTableProps {
  columns: readonly Column[];
  rows: readonly Row[];
  caption: string;
  /** Replaces a cell's content (e.g. a button in the user column); undefined: the value. */
  renderCell?: (column: Column, row: Row) => ComponentChildren | undefined;
  initialSort?: Sort;
}

export function DataTable({ columns, rows, caption, renderCell, initialSort }: DataTableProps) {
  const [sort, setSort] = useState<Sort | undefined>(initialSort);
  const [pageSize, setPageSize] = useState<number>(50);
  const [page, setPage] = useState(0);
  useEffect(() => setPage(0), [rows]);

  const order = useMemo(() => {
    const column = sort && columns[sort.column];
    return sort && column ? sortOrder(rows, column, sort.column, sort.descending) : undefined;
  }, [rows, columns, sort]);

  const pages = Math.max(1, Math.ceil(rows.length / pageSize));
  const current = Math.min(page, pages - 1);
  const first = current * pageSize;
  const last = Math.min(rows.length, first + pageSize);
  const visible: Row[] = [];
  for (let i = first; i < last; i++) visible.push(rows[order ? order[i]! : i]!);

  const toggle = (index: number) => {
    setSort((s) => ({
      column: index,
      // Numbers start from the largest, text from A.
      descending: s?.column === index ? !s.descending : NUMERIC.has(columns[index]?.kind ?? 'text'),
    }));
    setPage(0);
  };

  return (
    <div class="data-table">
      <div class="table-scroll" role="region" aria-label={caption} tabIndex={0}>
        <table>
          <caption class="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              {columns.map((column, index) => {
                const sorted = sort?.column === index;
                const direction = sorted ? (sort.descending ? 'descending' : 'ascending') : 'none';
                return (
                  <th
                    scope="col"
                    aria-sort={direction}
                    class={NUMERIC.has(column.kind) ? 'num' : undefined}
                  >
                    <button type="button" onClick={() => toggle(index)} title={column.key}>
                      {column.label}
                      <span aria-hidden="true" class="sort-mark">
                        {sorted ? (sort.descending ? '▼' : '▲') : '↕'}
                      </span>
                    </button>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {visible.map((row) => (
              <tr>
                {columns.map((column, index) => {
                  const custom = renderCell?.(column, row);
                  const text = formatCell(row[index] ?? null, column.kind);
                  return (
                    <td
                      class={NUMERIC.has(column.kind) ? 'num' : undefined}
                      title={text.length > 40 ? text : undefined}
                    >
                      {custom ?? text}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav class="pager" aria-label={`${caption}: pages`}>
        <span class="pager-count" aria-live="polite">
          {rows.length === 0
            ? 'No rows'
            : `Rows ${formatInteger(first + 1)}–${formatInteger(last)} of ${formatInteger(rows.length)}`}
        </span>
        <button type="button" onClick={() => setPage(0)} disabled={current === 0}>
          First
        </button>
        <button type="button" onClick={() => setPage(current - 1)} disabled={current === 0}>
          Previous
        </button>
        <label>
          Page{' '}
          <input
            type="number"
            min={1}
            max={pages}
            value={current + 1}
            onChange={(e) => {
              const n = Number(e.currentTarget.value);
              if (Number.isInteger(n)) setPage(Math.min(pages, Math.max(1, n)) - 1);
            }}
          />{' '}
          of {formatInteger(pages)}
        </label>
        <button type="button" onClick={() => setPage(current + 1)} disabled={current >= pages - 1}>
          Next
        </button>
        <button type="button" onClick={() => setPage(pages - 1)} disabled={current >= pages - 1}>
          Last
        </button>
        <label>
          Rows per page{' '}
          <select
            value={pageSize}
            onChange={(e) => {
              setPageSize(Number(e.currentTarget.value));
              setPage(0);
            }}
          >
            {PAGE_SIZES.map((n) => (
              <option value={n}>{n}</option>
            ))}
          </select>
        </label>
      </nav>
    </div>
  );
}

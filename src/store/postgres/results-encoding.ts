/**
 * The SQL that prints a report's rows in PostgreSQL byte for byte as the embedded store prints
 * them with DuckDB (details.md §1: both backends print the same bytes for the same data):
 *
 * - numbers: DuckDB rounds a double with `round(x · 10^p) / 10^p`, half away from zero, then
 *   prints the shortest decimal. PostgreSQL's own `round(numeric)` rounds the double's 15-digit
 *   decimal text instead, and `round(float8)` rounds half to even, so the rounding is written out
 *   here on the double itself and only the integer result becomes `numeric` for printing;
 * - JSON strings: `to_json` escapes as DuckDB does but for control characters, which it writes as
 *   `\u001f` where DuckDB writes `\u001F`; the rare value that has one is escaped by hand;
 * - CSV: DuckDB quotes a cell that is empty or holds `,`, `"`, `#`, CR or LF, and leaves NULL
 *   empty; text a spreadsheet would execute gets a leading `'` (reporting-api.md §1.3).
 *
 * Layers, each a subquery kept apart by `OFFSET 0` so that every value is computed once per row:
 * the report's rows numbered in order (`numberedRows`) → printed values `p0…` → CSV cell text
 * `d0…` or JSON text `j0…` → the lines of one encoding.
 */
import type { ColumnKind } from '../../domain/reports/columns.js';
import type { ResultColumn } from '../store.js';

const NUMERIC: ReadonlySet<ColumnKind> = new Set([
  'integer',
  'rate',
  'number',
  'percent',
  'seconds',
]);
/**
 * Kinds whose printed text is never empty and holds nothing CSV quotes or defuses or JSON escapes
 * (numbers, and timestamps as `YYYY-MM-DDTHH:MI:SS.mmmZ`): they skip those tests, which took
 * ~0.15 s of printing the timestamps of 190,000 rows.
 */
const PLAIN: ReadonlySet<ColumnKind> = new Set([...NUMERIC, 'timestamp']);
const PLACES: Partial<Record<ColumnKind, number>> = { rate: 4, number: 4, percent: 2, seconds: 3 };

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
const quoteText = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** `x` rounded to `places` as DuckDB rounds a double, printed as the shortest decimal. */
function decimal(x: string, places: number): string {
  const y = `(CAST(${x} AS double precision) * ${10 ** places}::double precision)`;
  const rounded = `sign(${y}) * (floor(abs(${y})) + CASE WHEN abs(${y}) - floor(abs(${y})) >= 0.5 THEN 1 ELSE 0 END)`;
  return `CAST(trim_scale(CAST(CAST(${rounded} AS bigint) AS numeric) * ${(10 ** -places).toFixed(places)}) AS text)`;
}

/** How each column kind is printed (DuckDB: src/store/duckdb/results.ts `printed`). */
function printed(column: ResultColumn): string {
  const x = `r.${quoteIdent(column.name)}`;
  const places = PLACES[column.kind];
  if (places !== undefined) return decimal(x, places);
  switch (column.kind) {
    case 'timestamp':
      return `to_char(CAST(${x} AS timestamp), 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
    case 'list':
      return `CAST(${x} AS text[])`;
    case 'integer':
      return `CAST(CAST(${x} AS bigint) AS text)`;
    default:
      return `CAST(${x} AS text)`;
  }
}

/** Control characters JSON names with a letter; the others become `\u00XX` (upper case). */
const NAMED_ESCAPES: Record<number, string> = { 8: 'b', 9: 't', 10: 'n', 12: 'f', 13: 'r' };

/** A JSON string literal of text `x` (not NULL), escaped character by character as DuckDB does. */
function jsonStringExact(x: string): string {
  let e = `replace(replace(${x}, '\\', '\\\\'), '"', '\\"')`;
  for (let code = 1; code < 32; code++) {
    const escape = NAMED_ESCAPES[code] ?? `u${code.toString(16).toUpperCase().padStart(4, '0')}`;
    e = `replace(${e}, chr(${code}), '\\${escape}')`;
  }
  return `'"' || ${e} || '"'`;
}

/** Text a spreadsheet would execute (`=`, `+`, `-`, `@`, tab, CR first) gets a leading `'`. */
function defused(x: string): string {
  return `CASE WHEN substr(${x}, 1, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) THEN '''' || ${x} ELSE ${x} END`;
}

/** The first `limit` rows of `sql`, in its order, numbered from 1 in `row_n`. */
export function numberedRows(sql: string, limit: number): string {
  // row_number() over the report's ordered output numbers the rows in that order.
  return `SELECT row_number() OVER () AS row_n, r.* FROM (${sql}) AS r LIMIT ${limit}`;
}

/** What a stored result's lines are printed as: CSV lines, or JSON objects (JSON and NDJSON). */
export type Encoding = 'csv' | 'json';

/**
 * The rows of `numbered` (a relation of `numberedRows`) as `n`, `p<i>` (printed) and, for CSV,
 * `d<i>` (cell text before quoting) or, for JSON, `j<i>` (`to_json` of the printed value).
 */
export function printedRows(
  numbered: string,
  columns: readonly ResultColumn[],
  encoding: Encoding,
): string {
  const prints = columns.map((c, i) => `${printed(c)} AS p${i}`).join(', ');
  const cells = columns
    .map((c, i) => {
      if (encoding === 'json') {
        return PLAIN.has(c.kind) ? `p${i}` : `p${i}, CAST(to_json(p${i}) AS text) AS j${i}`;
      }
      if (PLAIN.has(c.kind)) return `p${i} AS d${i}`;
      const text = c.kind === 'list' ? `array_to_string(p${i}, '|')` : `p${i}`;
      return `${defused(text)} AS d${i}`;
    })
    .join(', ');
  return `SELECT n, ${cells} FROM (SELECT r.row_n AS n, ${prints} FROM ${numbered} AS r OFFSET 0) AS r OFFSET 0`;
}

/** A line of `encoding` (no line end) from the columns of `printedRows`, aliased `p`. */
export function lineOf(encoding: Encoding, columns: readonly ResultColumn[]): string {
  return encoding === 'csv' ? csvLine(columns) : jsonLine(columns);
}

/** A CSV line (no line end) from the columns of `printedRows`, aliased `p`. */
function csvLine(columns: readonly ResultColumn[]): string {
  return columns
    .map((c, i) => {
      const d = `p.d${i}`;
      if (PLAIN.has(c.kind)) return `coalesce(${d}, '')`;
      return `CASE WHEN ${d} IS NULL THEN '' WHEN ${d} = '' OR ${d} ~ '[,"#\\r\\n]'
        THEN '"' || replace(${d}, '"', '""') || '"' ELSE ${d} END`;
    })
    .join(" || ',' || ");
}

/** A compact JSON object, keys in column order, from the columns of `printedRows`, aliased `p`. */
function jsonLine(columns: readonly ResultColumn[]): string {
  const members = columns.map((c, i) => {
    const key = quoteText(`${i === 0 ? '{' : ','}${JSON.stringify(c.name)}:`);
    const [p, j] = [`p.p${i}`, `p.j${i}`];
    let value: string;
    if (NUMERIC.has(c.kind)) value = `coalesce(${p}, 'null')`;
    else if (c.kind === 'timestamp') value = `coalesce('"' || ${p} || '"', 'null')`;
    else if (c.kind === 'list') {
      value = `CASE WHEN ${p} IS NULL THEN 'null' WHEN strpos(${j}, '\\u00') = 0 THEN ${j}
        ELSE '[' || array_to_string(ARRAY(SELECT coalesce(${jsonStringExact('e.v')}, 'null')
          FROM unnest(${p}) WITH ORDINALITY AS e(v, i) ORDER BY e.i), ',') || ']' END`;
    } else {
      value = `CASE WHEN ${p} IS NULL THEN 'null' WHEN strpos(${j}, '\\u00') = 0 THEN ${j}
        ELSE ${jsonStringExact(p)} END`;
    }
    return `${key} || ${value}`;
  });
  return `${members.join(' || ')} || '}'`;
}

/** The CSV header line (no line end): column names, quoted as a cell would be. */
export function csvHeader(columns: readonly ResultColumn[]): string {
  return columns
    .map(({ name }) =>
      name === '' || /[,"#\r\n]/.test(name) ? `"${name.replace(/"/g, '""')}"` : name,
    )
    .join(',');
}

/**
 * Report results in PostgreSQL, so that every node serves every result. A job's rows are printed
 * once, by PostgreSQL, as they are stored: one CSV line and one JSON object per row
 * (`results-encoding.ts`, which prints the same bytes DuckDB's writers do), and the byte length
 * of each format is summed on the way in, so a response knows its Content-Length before its
 * first byte. Serving is one `COPY (SELECT line …) TO STDOUT` on one pooled connection
 * (`copy-out.ts`): the lines flow from the server to the response in socket-sized chunks, framed
 * on the way, so memory stays flat however large the result, and no query is planned per page.
 */
import type { Format } from '../../domain/reports/columns.js';
import { lit } from '../../domain/reports/sql.js';
import type { ResultStore } from '../store.js';
import { copyOut, type Frame } from './copy-out.js';
import { REPORT_SETTINGS, tsParam, type PgDb } from './database.js';
import { csvHeader, csvLine, jsonLine, numberedRows, printedRows } from './results-encoding.js';
import { num } from './rows.js';

/** What a format adds around and between the stored lines (DuckDB's writers' layout). */
interface Layout {
  line: 'csv' | 'json';
  first: string;
  between: string;
  last: string;
  /** The whole body when there are no rows. */
  empty: string;
}

function layout(format: Format, header: string): Layout {
  switch (format) {
    case 'csv':
      return { line: 'csv', first: `${header}\n`, between: '\n', last: '\n', empty: `${header}\n` };
    case 'ndjson':
      return { line: 'json', first: '', between: '\n', last: '\n', empty: '' };
    case 'json':
      return { line: 'json', first: '[\n\t', between: ',\n\t', last: '\n]\n', empty: '[\n\t\n]\n' };
  }
}

/** The body bytes of a layout, as the COPY decoder frames rows with them. */
function frameOf(shape: Layout): Frame {
  const { first, between, last, empty } = shape;
  return {
    first: Buffer.from(first),
    between: Buffer.from(between),
    last: Buffer.from(last),
    empty: Buffer.from(empty),
  };
}

/**
 * The COPY of a result's first `cap` stored lines, in row order. COPY takes no bind parameters,
 * so the job ID is a literal: escaped although we make the IDs, and with U+0000 kept as U+FFFD
 * as every stored string is (database.ts), since no literal may hold it.
 */
function copyOfLines(jobId: string, line: Layout['line'], cap: number): string {
  if (!Number.isSafeInteger(cap)) throw new Error(`row cap ${cap} is not an integer`);
  const id = lit(jobId.replaceAll('\0', '\uFFFD'));
  // ENCODING: the bytes are UTF-8 whatever the session's client_encoding.
  return `COPY (SELECT ${line} FROM result_rows WHERE job_id = ${id} AND n <= ${cap}
    ORDER BY n) TO STDOUT (ENCODING 'UTF8')`;
}

/**
 * The COPY reads the primary key (job_id, n) in order, never sorts: a misestimate of a job's
 * rows (a table not analysed since a large result was stored: 2,832 rows expected of 500,000)
 * otherwise picks a bitmap scan and an external sort, 1.6 times as long, and no row is sent until
 * every one is sorted. No JIT either: the plan is one index scan, nothing to compile.
 */
const COPY_SETTINGS = 'SET LOCAL enable_sort = off; SET LOCAL jit = off';

export function pgResults(db: PgDb): ResultStore {
  return {
    materialize: (jobId, sql, columns, cap, postgresSettings) =>
      db.transaction(async (tx) => {
        // The header row is the claim to store this result: a second writer (a worker whose
        // lease ran out while it still ran) waits here for the first to commit, then stores nothing.
        const claimed = await tx.one(
          `INSERT INTO results (job_id, csv_header, created_at) VALUES ($1, $2, $3)
           ON CONFLICT DO NOTHING RETURNING job_id`,
          [jobId, csvHeader(columns), tsParam(new Date())],
        );
        if (!claimed) {
          const stored = await tx.one('SELECT rows FROM results WHERE job_id = $1', [jobId]);
          return num(stored?.rows);
        }
        await tx.run(REPORT_SETTINGS);
        if (postgresSettings) await tx.run(postgresSettings);
        // The report runs as CREATE TABLE AS, which may use parallel workers; an INSERT … SELECT
        // never does (PostgreSQL 15), and took 1.75 times as long on two cores.
        await tx.run(
          `CREATE TEMP TABLE report_rows ON COMMIT DROP AS ${numberedRows(sql('postgres'), cap + 1)}`,
        );
        const headerBytes = Buffer.byteLength(csvHeader(columns)) + 1;
        const stored = await tx.one(
          `WITH ins AS (
             INSERT INTO result_rows (job_id, n, csv, json)
             SELECT $1, p.n, ${csvLine(columns)}, ${jsonLine(columns)}
             FROM (${printedRows('report_rows', columns)}) AS p
             RETURNING n, octet_length(csv) AS c, octet_length(json) AS j),
           sums AS (
             SELECT count(*) AS rows, count(*) FILTER (WHERE n <= $2) AS k,
               coalesce(sum(c + 1) FILTER (WHERE n <= $2), 0) AS c,
               coalesce(sum(j) FILTER (WHERE n <= $2), 0) AS j
             FROM ins)
           UPDATE results SET rows = sums.rows,
             csv_bytes = $3 + sums.c,
             ndjson_bytes = sums.j + sums.k,
             json_bytes = CASE WHEN sums.k = 0 THEN 6 ELSE 6 + sums.j + 3 * (sums.k - 1) END
           FROM sums WHERE results.job_id = $1
           RETURNING results.rows`,
          [jobId, cap, headerBytes],
        );
        return num(stored?.rows);
      }),

    async open(jobId, format, _columns, cap) {
      const stored = await db.one(
        'SELECT csv_header, csv_bytes, json_bytes, ndjson_bytes FROM results WHERE job_id = $1',
        [jobId],
      );
      if (!stored || stored.csv_bytes === null) throw new Error(`no stored result for ${jobId}`);
      const bytes = num(stored[`${format}_bytes`]);
      const shape = layout(format, String(stored.csv_header));
      const copy = copyOfLines(jobId, shape.line, cap);
      return { stream: copyOut(db.downloadPool, copy, frameOf(shape), COPY_SETTINGS), bytes };
    },

    async remove(jobId) {
      await db.transaction(async (tx) => {
        await tx.run('DELETE FROM result_rows WHERE job_id = $1', [jobId]);
        await tx.run('DELETE FROM results WHERE job_id = $1', [jobId]);
      });
    },
  };
}

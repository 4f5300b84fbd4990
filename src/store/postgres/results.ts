/**
 * Report results in PostgreSQL, so that every node serves every result. A job's rows are printed
 * once, by PostgreSQL, as they are stored: one CSV line and one JSON object per row
 * (`results-encoding.ts`, which prints the same bytes DuckDB's writers do), and the byte length
 * of each format is summed on the way in, so a response knows its Content-Length before its
 * first byte. Serving reads the stored lines in pages of a few thousand rows by row number
 * (keyset, one short query per page, no connection held between pages): memory stays flat
 * however large the result, and the rows are never all in JavaScript at once.
 */
import { Readable } from 'node:stream';
import type { Format } from '../../domain/reports/columns.js';
import type { ResultStore } from '../store.js';
import { REPORT_SETTINGS, tsParam, type PgDb } from './database.js';
import { csvHeader, csvLine, jsonLine, numberedRows, printedRows } from './results-encoding.js';
import { num } from './rows.js';

/** Rows read per page when streaming a result out. */
const PAGE_ROWS = 5_000;

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

export function pgResults(db: PgDb): ResultStore {
  async function* lines(jobId: string, line: 'csv' | 'json', cap: number): AsyncGenerator<string> {
    // Rows are numbered 1, 2, 3…, so a page is a closed range of `n`: the index reads that page
    // and nothing after it, whatever the planner thinks of the table's statistics.
    for (let first = 1; first <= cap; first += PAGE_ROWS) {
      const page = await db.all(
        `SELECT ${line} AS line FROM result_rows WHERE job_id = $1 AND n BETWEEN $2 AND $3
         ORDER BY n`,
        [jobId, first, Math.min(first + PAGE_ROWS - 1, cap)],
      );
      for (const row of page) yield String(row.line);
      if (page.length < PAGE_ROWS) return;
    }
  }

  async function* body(jobId: string, shape: Layout, cap: number): AsyncGenerator<Buffer> {
    let chunk = '';
    let first = true;
    for await (const line of lines(jobId, shape.line, cap)) {
      chunk += (first ? shape.first : shape.between) + line;
      first = false;
      if (chunk.length >= 64 * 1024) {
        yield Buffer.from(chunk);
        chunk = '';
      }
    }
    yield Buffer.from(first ? shape.empty : chunk + shape.last);
  }

  return {
    materialize: (jobId, sql, columns, cap) =>
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
      return { stream: Readable.from(body(jobId, shape, cap), { objectMode: false }), bytes };
    },

    async remove(jobId) {
      await db.transaction(async (tx) => {
        await tx.run('DELETE FROM result_rows WHERE job_id = $1', [jobId]);
        await tx.run('DELETE FROM results WHERE job_id = $1', [jobId]);
      });
    },
  };
}

/**
 * Report results in PostgreSQL, so that every node serves every result. A job's rows are printed
 * once, by PostgreSQL, as they are stored: one CSV line and one JSON object per row
 * (`results-encoding.ts`, which prints the same bytes DuckDB's writers do), joined by newlines
 * into chunks of `CHUNK_ROWS` rows (`result_chunks`), and the byte length of each format is
 * summed, so a response knows its Content-Length before its first byte. Serving is one
 * `COPY (SELECT chunk …) TO STDOUT` on one pooled connection (`copy-out.ts`): the chunks flow from
 * the server to the response in socket-sized pieces, framed on the way, so memory stays flat
 * however large the result, and no query is planned per page.
 */
import type { Format } from '../../domain/reports/columns.js';
import { lit } from '../../domain/reports/sql.js';
import type { ResultStore } from '../store.js';
import { copyOut, type Frame } from './copy-out.js';
import { REPORT_SETTINGS, tsParam, type PgDb } from './database.js';
import { csvHeader, csvLine, jsonLine, numberedRows, printedRows } from './results-encoding.js';
import { num } from './rows.js';

/**
 * Rows per stored chunk. One row per line cost a heap tuple and an index entry per row: storing
 * 190,000 lines took 1.23–1.47 s with their printing, in chunks 1.06 s. A chunk of ~100 kB of
 * CSV is a few TOAST pieces, stored uncompressed (migrations.ts), and one COPY row.
 */
const CHUNK_ROWS = 1000;

/** What a format adds around and between the stored lines (DuckDB's writers' layout). */
interface Layout {
  /** The chunk column as the format's lines: JSON objects hold no raw newline, CSV lines may. */
  chunk: string;
  first: string;
  between: string;
  last: string;
  /** The whole body when there are no rows. */
  empty: string;
}

function layout(format: Format, header: string): Layout {
  switch (format) {
    case 'csv':
      return {
        chunk: 'csv',
        first: `${header}\n`,
        between: '\n',
        last: '\n',
        empty: `${header}\n`,
      };
    case 'ndjson':
      return { chunk: 'json', first: '', between: '\n', last: '\n', empty: '' };
    case 'json':
      return {
        chunk: `replace(json, E'\\n', E',\\n\\t')`,
        first: '[\n\t',
        between: ',\n\t',
        last: '\n]\n',
        empty: '[\n\t\n]\n',
      };
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
 * The COPY of a result's chunks, in order. COPY takes no bind parameters, so the job ID is a
 * literal: escaped although we make the IDs, and with U+0000 kept as U+FFFD as every stored
 * string is (database.ts), since no literal may hold it.
 */
function copyOfChunks(jobId: string, chunk: Layout['chunk']): string {
  const id = lit(jobId.replaceAll('\0', '\uFFFD'));
  // ENCODING: the bytes are UTF-8 whatever the session's client_encoding.
  return `COPY (SELECT ${chunk} FROM result_chunks WHERE job_id = ${id} ORDER BY k)
    TO STDOUT (ENCODING 'UTF8')`;
}

/**
 * The COPY reads the primary key (job_id, k) in order, never sorts: a misestimate of a job's
 * chunks (a table not analysed since a large result was stored) could otherwise pick a bitmap
 * scan and a sort, and no row is sent until every one is sorted. No JIT either: the plan is one
 * index scan, nothing to compile.
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
        // The first `cap` rows are stored; the one after only tells that the result is truncated.
        const kept = `(SELECT * FROM report_rows WHERE row_n <= ${Math.trunc(cap)})`;
        await tx.run(
          `INSERT INTO result_chunks (job_id, k, csv, json)
           SELECT $1, (p.n - 1) / ${CHUNK_ROWS},
             string_agg(${csvLine(columns)}, E'\\n' ORDER BY p.n),
             string_agg(${jsonLine(columns)}, E'\\n' ORDER BY p.n)
           FROM (${printedRows(kept, columns)}) AS p
           GROUP BY (p.n - 1) / ${CHUNK_ROWS}`,
          [jobId],
        );
        // Sizes from the chunks (`octet_length` of a TOASTed value reads its header): `k` lines
        // in `c` chunks hold k − c joining newlines, and each format frames them as `layout` says.
        const headerBytes = Buffer.byteLength(csvHeader(columns)) + 1;
        const stored = await tx.one(
          `WITH sums AS (
             SELECT (SELECT count(*) FROM report_rows) AS rows,
               (SELECT count(*) FROM report_rows WHERE row_n <= $2) AS k,
               count(*) AS c,
               coalesce(sum(octet_length(csv)), 0) AS csv, coalesce(sum(octet_length(json)), 0) AS json
             FROM result_chunks WHERE job_id = $1)
           UPDATE results SET rows = sums.rows,
             csv_bytes = $3 + sums.csv + sums.c,
             ndjson_bytes = sums.json + sums.c,
             json_bytes = CASE WHEN sums.k = 0 THEN 6 ELSE 3 + sums.json + 2 * sums.k + sums.c END
           FROM sums WHERE results.job_id = $1
           RETURNING results.rows`,
          [jobId, cap, headerBytes],
        );
        return num(stored?.rows);
      }),

    async open(jobId, format) {
      const stored = await db.one(
        'SELECT csv_header, csv_bytes, json_bytes, ndjson_bytes FROM results WHERE job_id = $1',
        [jobId],
      );
      if (!stored || stored.csv_bytes === null) throw new Error(`no stored result for ${jobId}`);
      const bytes = num(stored[`${format}_bytes`]);
      const shape = layout(format, String(stored.csv_header));
      const copy = copyOfChunks(jobId, shape.chunk);
      return { stream: copyOut(db.downloadPool, copy, frameOf(shape), COPY_SETTINGS), bytes };
    },

    async remove(jobId) {
      await db.transaction(async (tx) => {
        await tx.run('DELETE FROM result_chunks WHERE job_id = $1', [jobId]);
        await tx.run('DELETE FROM results WHERE job_id = $1', [jobId]);
      });
    },
  };
}

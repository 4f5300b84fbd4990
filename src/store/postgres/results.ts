/**
 * Report results in PostgreSQL, so that every node serves every result. As DuckDB's store does,
 * a job stores its rows once and each encoding is printed the first time it is asked for:
 *
 * - the job runs the report as `CREATE TABLE result_tables."<job>" AS …` (its typed rows,
 *   numbered; a CREATE TABLE AS may run in parallel, where an INSERT … SELECT never does);
 * - the first download of CSV, or of JSON or NDJSON (both are JSON objects a line), prints the
 *   rows in SQL (`results-encoding.ts`, the same bytes DuckDB's writers print), joined by
 *   newlines into chunks of `CHUNK_ROWS` rows (`result_lines`), and sums each format's byte
 *   length, so a response knows its Content-Length before its first byte;
 * - serving is one `COPY (SELECT lines …) TO STDOUT` on one pooled connection (`copy-out.ts`):
 *   the chunks flow from the server to the response in socket-sized pieces, framed on the way,
 *   so memory stays flat however large the result, and no query is planned per page.
 *
 * Printing both encodings in the job took the user summary's job (190,163 rows at 10 M events)
 * to 2.5–3.4 s, against 1.5–2.9 s without, on a noisy machine; a client asks for one format,
 * whose first download now prints it (CSV ~0.55 s there, JSON ~0.65 s).
 */
import type { Format } from '../../domain/reports/columns.js';
import { lit } from '../../domain/reports/sql.js';
import type { ResultColumn, ResultStore } from '../store.js';
import { copyOut, type Frame } from './copy-out.js';
import {
  REPORT_SETTINGS,
  storableText,
  tsParam,
  type PgDb,
  type Row,
  type Tx,
} from './database.js';
import { csvHeader, lineOf, numberedRows, printedRows, type Encoding } from './results-encoding.js';
import { num } from './rows.js';

/**
 * Rows per stored chunk. One row per line cost a heap tuple and an index entry per row: storing
 * 190,000 lines took 1.23–1.47 s with their printing, in chunks 1.06 s. A chunk of ~100 kB of
 * CSV is a few TOAST pieces, stored uncompressed (migrations.ts), and one COPY row.
 */
const CHUNK_ROWS = 1000;

/** The stored lines each format is served from: JSON and NDJSON are both JSON objects a line. */
const ENCODING: Record<Format, Encoding> = { csv: 'csv', json: 'json', ndjson: 'json' };

/** What a format adds around and between the stored lines (DuckDB's writers' layout). */
interface Layout {
  /** The chunk's lines as the format's: JSON objects hold no raw newline, CSV lines may. */
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
        chunk: 'lines',
        first: `${header}\n`,
        between: '\n',
        last: '\n',
        empty: `${header}\n`,
      };
    case 'ndjson':
      return { chunk: 'lines', first: '', between: '\n', last: '\n', empty: '' };
    case 'json':
      return {
        chunk: `replace(lines, E'\\n', E',\\n\\t')`,
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

/** A job's ID as a literal, with U+0000 kept as U+FFFD as every stored string is (database.ts). */
const idLiteral = (jobId: string) => lit(storableText(jobId));

/** The table of a job's typed rows. Job IDs are ours (UUIDs); quoted all the same. */
function rowsTable(jobId: string): string {
  const name = storableText(jobId);
  if (Buffer.byteLength(name) > 63) throw new Error(`job ID too long for a table name: ${jobId}`);
  return `result_tables."${name.replaceAll('"', '""')}"`;
}

/**
 * The COPY of a result's chunks of one encoding, in order. COPY takes no bind parameters, so the
 * job ID is a literal.
 */
function copyOfChunks(jobId: string, format: Format, shape: Layout): string {
  // ENCODING: the bytes are UTF-8 whatever the session's client_encoding.
  return `COPY (SELECT ${shape.chunk} FROM result_lines
      WHERE job_id = ${idLiteral(jobId)} AND encoding = ${lit(ENCODING[format])} ORDER BY k)
    TO STDOUT (ENCODING 'UTF8')`;
}

/**
 * The COPY reads the primary key (job_id, encoding, k) in order, never sorts: a misestimate of a
 * job's chunks (a table not analysed since a large result was stored) could otherwise pick a
 * bitmap scan and a sort, and no row is sent until every one is sorted. No JIT either: the plan
 * is one index scan, nothing to compile.
 */
const COPY_SETTINGS = 'SET LOCAL enable_sort = off; SET LOCAL jit = off';

/** What serving a result reads of its row: the CSV header and each format's byte length. */
const SIZES = 'csv_header, csv_bytes, json_bytes, ndjson_bytes';

/**
 * Prints a stored result's first `cap` rows as the lines `format` is served from into
 * `result_lines`, once, records the byte lengths of the formats printed from them, and returns
 * the result's `SIZES`. The result's row is locked meanwhile: a second download, on any node,
 * waits for the first to commit, then finds the lengths and prints nothing.
 */
async function encode(
  db: PgDb,
  jobId: string,
  format: Format,
  columns: readonly ResultColumn[],
  cap: number,
): Promise<Row> {
  const encoding = ENCODING[format];
  return db.transaction(async (tx) => {
    const stored = await tx.one(`SELECT ${SIZES} FROM results WHERE job_id = $1 FOR UPDATE`, [
      jobId,
    ]);
    if (!stored) throw new Error(`no stored result for ${jobId}`);
    if (stored[`${format}_bytes`] !== null) return stored;
    await tx.run(REPORT_SETTINGS);
    const kept = `(SELECT * FROM ${rowsTable(jobId)} WHERE row_n <= ${Math.trunc(cap)})`;
    await tx.run(
      `INSERT INTO result_lines (job_id, encoding, k, lines)
       SELECT $1, $2, (p.n - 1) / ${CHUNK_ROWS},
         string_agg(${lineOf(encoding, columns)}, E'\\n' ORDER BY p.n)
       FROM (${printedRows(kept, columns, encoding)}) AS p
       GROUP BY (p.n - 1) / ${CHUNK_ROWS}`,
      [jobId, encoding],
    );
    // Sizes from the chunks (`octet_length` of a TOASTed value reads its header): `k` lines in
    // `c` chunks hold k − c joining newlines, and each format frames them as `layout` says.
    const k = 'least(results.rows, $2)';
    const set =
      encoding === 'csv'
        ? 'csv_bytes = $2 + sums.bytes + sums.c'
        : `ndjson_bytes = sums.bytes + sums.c,
           json_bytes = CASE WHEN ${k} = 0 THEN 6 ELSE 3 + sums.bytes + 2 * ${k} + sums.c END`;
    const sized = await tx.one(
      `WITH sums AS (
         SELECT count(*) AS c, coalesce(sum(octet_length(lines)), 0) AS bytes
         FROM result_lines WHERE job_id = $1 AND encoding = $3)
       UPDATE results SET ${set} FROM sums WHERE results.job_id = $1
       RETURNING ${SIZES}`,
      // $2: the CSV header line's bytes, or the row cap for JSON.
      [jobId, encoding === 'csv' ? Buffer.byteLength(csvHeader(columns)) + 1 : cap, encoding],
    );
    return sized!; // the row is locked: the UPDATE found it
  });
}

/** The rows the planner expects of `sql` (the top node's estimate of `EXPLAIN`). */
export async function plannedRows(tx: Pick<Tx, 'all'>, sql: string): Promise<number> {
  const [explained] = await tx.all(`EXPLAIN (FORMAT JSON) ${sql}`);
  const [plan] = explained?.['QUERY PLAN'] as [{ Plan: { 'Plan Rows': number } }];
  return plan.Plan['Plan Rows'];
}

/**
 * The report's text that reads only what its first `limit` rows need (the streams: the first
 * events in time order, through the `(account_id, ts)` index), when the planner expects at least
 * twice as many rows; else the whole report's. Past its `LIMIT` that text runs in one process,
 * where the whole report's plan runs in parallel. The user stream at 10 M events: its query alone
 * (medians of three) over 30 days (1.4 M rows) 2.64 s against 3.48 s, over 14 days (629,000 rows)
 * 2.51 s against 1.93 s; its job over six months 2.9–3.4 s against 10–13 s, and over seven days,
 * when it always took this text, 1.6–2.0 s against 1.5–1.7 s. The estimate is rough (128,000 for
 * the 312,000 rows of 7 days, 2.3 M for the 1.4 M of 30), hence the margin. It costs one planning
 * (7–9 ms), paid only by reports that have such a text. Either text gives the same rows: a wrong
 * estimate costs time, not rows.
 */
async function firstRowsWhereTheyPay(
  tx: Tx,
  sql: (dialect: 'postgres', limit?: number) => string,
  limit: number,
): Promise<string> {
  const whole = sql('postgres');
  const first = sql('postgres', limit);
  if (first === whole) return whole;
  return (await plannedRows(tx, whole)) >= 2 * limit ? first : whole;
}

export function pgResults(db: PgDb): ResultStore {
  return {
    materialize: (jobId, sql, columns, cap, postgresSettings) =>
      db.transaction(async (tx) => {
        // The result's row is the claim to store it: a second writer (a worker whose lease ran
        // out while it still ran) waits here for the first to commit, then stores nothing.
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
        // The first `cap` rows are served; the one after only tells that the result is truncated.
        const report = await firstRowsWhereTheyPay(tx, sql, cap + 1);
        const rows = await tx.run(
          `CREATE TABLE ${rowsTable(jobId)} AS ${numberedRows(report, cap + 1)}`,
        );
        await tx.run('UPDATE results SET rows = $2 WHERE job_id = $1', [jobId, rows]);
        return rows;
      }),

    async open(jobId, format, columns, cap) {
      const found = await db.one(`SELECT ${SIZES} FROM results WHERE job_id = $1`, [jobId]);
      if (!found) throw new Error(`no stored result for ${jobId}`);
      // The first download of the format prints it (and a concurrent one waits for that).
      const stored =
        found[`${format}_bytes`] === null ? await encode(db, jobId, format, columns, cap) : found;
      const bytes = num(stored[`${format}_bytes`]);
      const shape = layout(format, String(stored.csv_header));
      const copy = copyOfChunks(jobId, format, shape);
      return { stream: copyOut(db.downloadPool, copy, frameOf(shape), COPY_SETTINGS), bytes };
    },

    async remove(jobId) {
      await db.transaction(async (tx) => {
        // The result's row first, as `encode` locks it before the table: no deadlock between them.
        await tx.run('DELETE FROM results WHERE job_id = $1', [jobId]);
        await tx.run(`DROP TABLE IF EXISTS ${rowsTable(jobId)}`);
        await tx.run('DELETE FROM result_lines WHERE job_id = $1', [jobId]);
      });
    },
  };
}

/**
 * The report rollups in DuckDB (src/domain/reports/rollups.ts): `session_days`, `project_days`
 * and `chapter_days` partials and `widget_events` rows appended with every commit of events, the
 * sessions (and the annotation's chapter partials and widget events) re-folded when the catalog
 * changes an annotation type their events depend on, and the compaction that merges partials
 * (`widget_events` rows are final: nothing to merge).
 *
 * Everything here runs on the writer connection, inside the caller's transaction (the append or
 * catalog write it belongs to) or its own (compaction), so readers never see events without their
 * partials, nor a half-merged day.
 */
import { DuckDBDateValue, type DuckDBConnection } from '@duckdb/node-api';
import {
  ANNOTATION_ROLLUPS,
  COMPACTED_ROLLUPS,
  ROLLUP_KEYS,
  foldChapterDays,
  foldProjectDays,
  foldSessionDays,
  foldWidgetEvents,
} from '../../domain/reports/rollups.js';
import type { NewEvent } from '../../domain/events/stored-event.js';
import { lit } from '../../domain/reports/sql.js';
import type { RollupStore } from '../store.js';
import type { TouchedDays as Touched } from '../touched-days.js';
import { inTransaction, type DuckDb } from './database.js';

const DAY_MS = 86_400_000;

/** The UTC day of a timestamp as days since 1970-01-01: what DuckDB's CAST(ts AS DATE) gives. */
export function epochDay(ts: Date): number {
  return Math.floor(ts.getTime() / DAY_MS);
}

/** The pairs to compact, days spelled as days since 1970-01-01. */
export type TouchedDays = Touched<number>;

/** The (account, annotation) pairs the events of `source` name: what `annotations_seen` keeps. */
export function namedAnnotations(source: string): string {
  return `SELECT DISTINCT account_id, annotation_id FROM ${source} e WHERE annotation_id IS NOT NULL`;
}

/**
 * The (account, annotation) pairs known to be in `annotations_seen`: those named by this
 * process's commits. A commit whose events name no other pair — nearly every one — needs no
 * INSERT into it, about a tenth of a small commit's time. Bounded: annotation IDs come
 * from clients, so when it holds too many it starts over (and some INSERTs run again).
 */
export class SeenAnnotations {
  private static readonly MAX = 100_000;
  private pairs = new Map<string, Set<string>>();
  private size = 0;

  /** Whether some event names an annotation not known to be seen. */
  anyNew(events: readonly NewEvent[]): boolean {
    return events.some(
      (e) => e.annotation_id !== null && !this.pairs.get(e.account_id)?.has(e.annotation_id),
    );
  }

  /** Notes the annotations of committed events. */
  addAll(events: readonly NewEvent[]): void {
    for (const { account_id: accountId, annotation_id: id } of events) {
      if (id === null) continue;
      if (this.size >= SeenAnnotations.MAX) this.forget();
      let ids = this.pairs.get(accountId);
      if (!ids) this.pairs.set(accountId, (ids = new Set()));
      if (!ids.has(id)) {
        ids.add(id);
        this.size++;
      }
    }
  }

  private forget(): void {
    this.pairs = new Map();
    this.size = 0;
  }
}

/**
 * Folds `events` — just appended in the caller's transaction, with seqs from `first` on — into
 * new partials, and notes the annotations they name unless `seen` knows them all. BY NAME: the
 * folds' columns are matched to the table's by name, never by position.
 */
export async function foldAppended(
  conn: DuckDBConnection,
  events: readonly NewEvent[],
  first: bigint,
  seen: SeenAnnotations,
): Promise<void> {
  // The bounds are bigints of ours, safe to splice. seq grows with arrival, so the scan's zone
  // maps skip every row group but the newest.
  const appended = `(SELECT * FROM events WHERE seq BETWEEN ${first} AND ${first + BigInt(events.length) - 1n})`;
  await conn.run(`INSERT INTO session_days BY NAME ${foldSessionDays(appended, 'duckdb')}`);
  await conn.run(`INSERT INTO project_days BY NAME ${foldProjectDays(appended, 'duckdb')}`);
  // A fold that can give no row is skipped: chapter partials come only from annotation views
  // and actions, widget rows only from events naming an annotation. Each statement costs a commit
  // some ms however few its rows (adding the widget fold took a 32-event commit 42.7 → 49.6 ms),
  // and a commit of player actions alone needs neither.
  if (events.some((e) => e.kind === 'annotation_view' || e.kind === 'annotation_action')) {
    await conn.run(`INSERT INTO chapter_days BY NAME ${foldChapterDays(appended, 'duckdb')}`);
  }
  if (events.some((e) => e.annotation_id !== null)) {
    await conn.run(`INSERT INTO widget_events BY NAME ${foldWidgetEvents(appended, 'duckdb')}`);
  }
  if (seen.anyNew(events)) {
    await conn.run(
      `INSERT INTO annotations_seen ${namedAnnotations(appended)} ON CONFLICT DO NOTHING`,
    );
  }
}

/**
 * After a catalog write set the type of annotation (`accountId`, `id`) from `before` (null: no
 * row had that ID) to `after`, in the caller's transaction: when stored events name it, the
 * sessions they belong to are folded again, every day of them, with the catalog as it now is, and
 * so are the `chapter_days` partials of its events (their `source_id`) and its `widget_events`
 * rows. `project_days` reads no annotation type and stays.
 */
export async function refoldIfRetyped(
  conn: DuckDBConnection,
  accountId: string,
  id: string,
  before: string | null,
  after: string,
): Promise<void> {
  if (before === after) return;
  const seen = await conn.runAndReadAll(
    'SELECT 1 FROM annotations_seen WHERE account_id = ? AND annotation_id = ?',
    [accountId, id],
  );
  if (seen.currentRowCount === 0) return;
  const account = lit(accountId);
  // The sessions once, in a TEMP table: finding them scans the account's events.
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE refold_sessions AS
     SELECT DISTINCT session_id FROM events WHERE account_id = ${account} AND annotation_id = ${lit(id)}`,
  );
  const inSessions = `account_id = ${account} AND session_id IN (SELECT session_id FROM refold_sessions)`;
  await conn.run(`DELETE FROM session_days WHERE ${inSessions}`);
  await conn.run(
    `INSERT INTO session_days BY NAME ${foldSessionDays(`(SELECT * FROM events WHERE ${inSessions})`, 'duckdb')}`,
  );
  await conn.run('DROP TABLE refold_sessions');
  const itsEvents = `(SELECT * FROM events WHERE account_id = ${account} AND annotation_id = ${lit(id)})`;
  for (const { table, column, fold } of ANNOTATION_ROLLUPS) {
    await conn.run(`DELETE FROM ${table} WHERE account_id = ${account} AND ${column} = ${lit(id)}`);
    await conn.run(`INSERT INTO ${table} BY NAME ${fold(itsEvents, 'duckdb')}`);
  }
}

/** A rollup that compaction merges (`COMPACTED_ROLLUPS`). */
type Rollup = (typeof COMPACTED_ROLLUPS)[number];

/** Fills the TEMP table `compact_days` with the pairs to merge. */
async function listDays(conn: DuckDBConnection, pairs: readonly [string, number][]): Promise<void> {
  await conn.run('CREATE OR REPLACE TEMP TABLE compact_days (account_id VARCHAR, day DATE)');
  const appender = await conn.createAppender('compact_days', 'main', 'temp');
  try {
    for (const [accountId, day] of pairs) {
      appender.appendVarchar(accountId);
      appender.appendDate(new DuckDBDateValue(day));
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/**
 * Replaces the partials of the keys that have several on the days in `compact_days` with one
 * merged row each; returns how many rows fewer there are. Keys with one row are left alone: today
 * is compacted at every tick, and rewriting all of its rows each time would cost (and log in the
 * WAL) far more than merging the sessions that changed.
 */
async function mergeDays(conn: DuckDBConnection, { table, merge }: Rollup): Promise<number> {
  const keys = ROLLUP_KEYS[table];
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE split_keys AS
     SELECT ${keys.join(', ')} FROM ${table} JOIN compact_days USING (account_id, day)
     GROUP BY ALL HAVING count(*) > 1`,
  );
  // NULL-safe: project_id, experience_id (and chapter_days' source_id) may be NULL in a key.
  const sameKey = keys.map((key) => `t.${key} IS NOT DISTINCT FROM s.${key}`).join(' AND ');
  const parts = `(SELECT t.* FROM ${table} t SEMI JOIN split_keys s ON ${sameKey})`;
  // Built before the DELETE, from the rows it removes.
  await conn.run(`CREATE OR REPLACE TEMP TABLE merged AS ${merge(parts, 'duckdb')}`);
  const removed = await conn.run(`DELETE FROM ${table} t USING split_keys s WHERE ${sameKey}`);
  const inserted = await conn.run(`INSERT INTO ${table} BY NAME SELECT * FROM merged`);
  await conn.run('DROP TABLE merged');
  await conn.run('DROP TABLE split_keys');
  return removed.rowsChanged - inserted.rowsChanged;
}

/** `Store.rollups`: merges the pairs `touched` collected, on the writer, in one transaction. */
export function duckRollups(db: DuckDb, touched: TouchedDays): RollupStore {
  return {
    compact: () =>
      db.write(async (conn) => {
        // Taken on the writer, so that every append queued before this call is included.
        const pairs = touched.take();
        if (pairs.length === 0) return 0;
        try {
          return await inTransaction(conn, async () => {
            await listDays(conn, pairs);
            let mergedAway = 0;
            for (const rollup of COMPACTED_ROLLUPS) mergedAway += await mergeDays(conn, rollup);
            await conn.run('DROP TABLE compact_days');
            return mergedAway;
          });
        } catch (error) {
          // Nothing was merged: the next call tries these pairs again.
          for (const [accountId, day] of pairs) touched.add(accountId, day);
          throw error;
        }
      }),
  };
}

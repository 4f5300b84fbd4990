/**
 * Appends in one statement per group commit: the events go up as one array per column and
 * `unnest` turns them back into rows (a multi-row INSERT with 49 parameters, whatever the batch
 * size). The unique index on (account_id, event_key) de-duplicates: ON CONFLICT DO NOTHING keeps
 * the stored copy, RETURNING names the keys that went in, and a retry that reaches two nodes at
 * once is stored once. The same statement folds the rows it inserted into the report rollups
 * (./rollups.ts), so they never miss or double an event. The commit returns once the WAL is
 * flushed (synchronous_commit).
 */
import { EVENT_COLUMNS, type NewEvent } from '../../domain/events/stored-event.js';
import {
  foldChapterDays,
  foldProjectDays,
  foldSessionDays,
  foldWidgetEvents,
} from '../../domain/reports/rollups.js';
import type { EventStore } from '../store.js';
import { sqlState, storableJson, type PgDb, type Prepared } from './database.js';
import { withAccountsShared, type TouchedDays } from './rollups.js';

const SQL_ARRAY_TYPE = {
  text: 'text[]',
  double: 'float8[]',
  bigint: 'int8[]',
  boolean: 'bool[]',
  timestamp: 'timestamp[]',
  smallint: 'int2[]',
} as const;

/** Every column but `seq`, which the database assigns from its sequence. */
const COLUMNS = EVENT_COLUMNS.filter(
  (column): column is Exclude<(typeof EVENT_COLUMNS)[number], readonly ['seq', string]> =>
    column[0] !== 'seq',
);

const SESSION_FOLD = foldSessionDays('stored', 'postgres');
const PROJECT_FOLD = foldProjectDays('stored', 'postgres');
const CHAPTER_FOLD = foldChapterDays('stored', 'postgres');
const WIDGET_FOLD = foldWidgetEvents('stored', 'postgres');

/**
 * What the statement returns of the rows it inserts: `event_key`, and the columns the folds read
 * (found in their SQL, so that a fold that reads another column gets it) — not all 49, which
 * the statement would otherwise hold in memory for the folds.
 */
const RETURNED = COLUMNS.map(([name]) => name).filter(
  (name) =>
    name === 'event_key' ||
    new RegExp(`\\b${name}\\b`).test(SESSION_FOLD + PROJECT_FOLD + CHAPTER_FOLD + WIDGET_FOLD),
);

/**
 * The rows inserted (`stored`) are folded into partials appended to the rollups (their sign-in
 * and poll events into `widget_events` rows), and the annotations they name are listed in
 * `annotations_seen` (for the catalog's re-folds), in the order of their key so that two appends
 * naming the same new ones cannot deadlock. Prepared:
 * planning it costs more than running it on the few events of a quiet moment's commit.
 */
const INSERT: Prepared = {
  name: 'append-events',
  text: `WITH stored AS (
  INSERT INTO events (${COLUMNS.map(([name]) => name).join(', ')})
  SELECT * FROM unnest(${COLUMNS.map(([, type], i) => `$${i + 1}::${SQL_ARRAY_TYPE[type]}`).join(', ')})
  ON CONFLICT (account_id, event_key) WHERE event_key IS NOT NULL DO NOTHING
  RETURNING seq, ${RETURNED.join(', ')}
), session_parts AS (
  INSERT INTO session_days ${SESSION_FOLD}
), project_parts AS (
  INSERT INTO project_days ${PROJECT_FOLD}
), chapter_parts AS (
  INSERT INTO chapter_days ${CHAPTER_FOLD}
), widget_parts AS (
  INSERT INTO widget_events ${WIDGET_FOLD}
), seen AS (
  INSERT INTO annotations_seen
  SELECT DISTINCT account_id, annotation_id FROM stored WHERE annotation_id IS NOT NULL
  ORDER BY account_id, annotation_id
  ON CONFLICT DO NOTHING
)
SELECT event_key FROM stored`,
};

type Cell = string | number | boolean | null;

/** SQLSTATE of the transaction PostgreSQL rolls back to break a deadlock. */
const DEADLOCK_DETECTED = '40P01';

function cell(value: NewEvent[keyof NewEvent]): Cell {
  if (value === null || value === undefined) return null;
  // ISO 8601 as it is: a TIMESTAMP reads the `T` and ignores the `Z` (the time is UTC already),
  // which spares rewriting ~6,000 strings a commit as `tsParam` does.
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/**
 * One column of a group commit as PostgreSQL array text (`{"a","b\"c",NULL}`), sent as a string.
 * Given the array itself, `pg` builds this text value by value, and for the 49 columns of a
 * ~3,000-event commit that took 50–65 ms of the main thread, more than validating the events.
 * Every value is quoted, so only `"` and `\` need escaping; the element types parse their text.
 */
export function arrayLiteral(values: readonly Cell[]): string {
  const parts = values.map((value) => {
    if (value === null) return 'NULL';
    const text = String(value);
    return text.includes('"') || text.includes('\\')
      ? `"${text.replace(/["\\]/g, '\\$&')}"`
      : `"${text}"`;
  });
  return `{${parts.join(',')}}`;
}

/** Where the events' `ts` texts are among the columns sent. */
const TS_COLUMN = COLUMNS.findIndex(([name]) => name === 'ts');

/** `touched` is told the (account, day) pairs that got partials, for compaction. */
export function pgEvents(db: PgDb, touched: TouchedDays): EventStore {
  /**
   * The statement, again if PostgreSQL broke a deadlock by rolling it back: two appends that
   * insert the same event keys in opposite orders (retried batches grouped differently, here or
   * on another node) wait on each other's keys; the retry then finds them stored.
   */
  const insert = async (accounts: readonly string[], arrays: readonly string[]) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await withAccountsShared(db, accounts, (tx) => tx.all(INSERT, arrays));
      } catch (error) {
        if (sqlState(error) !== DEADLOCK_DETECTED || attempt === 3) throw error;
      }
    }
  };

  return {
    // One executes while the next group is sent: ~12 % more events a second (group-commit.ts).
    appendsAtOnce: 2,
    async append(events) {
      // A key repeated within the batch: the first copy is the one offered for storing.
      const duplicates: number[] = [];
      const offered: NewEvent[] = [];
      const offeredIndex: number[] = [];
      const seen = new Set<bigint>();
      events.forEach((event, index) => {
        if (event.event_key !== null) {
          if (seen.has(event.event_key)) return void duplicates.push(index);
          seen.add(event.event_key);
        }
        offered.push(event);
        offeredIndex.push(index);
      });
      if (offered.length === 0) return { duplicates };
      const columns = COLUMNS.map(([name]) =>
        name === 'extra'
          ? offered.map((event) => (event.extra === null ? null : storableJson(event.extra)))
          : offered.map((event) => cell(event[name])),
      );
      const accounts = offered.map((event) => event.account_id);
      // A column with no value in the group goes as an empty array: `unnest` pads the shorter
      // arrays with NULLs (`account_id` always has every row). Most events leave half of the 49
      // columns empty, whose thousands of NULLs were printed here and parsed by the server.
      const arrays = columns.map((values) =>
        values.every((value) => value === null) ? '{}' : arrayLiteral(values),
      );
      const inserted = await insert(accounts, arrays);
      const kept =
        inserted.length < offered.length
          ? new Set(inserted.map((row) => String(row.event_key)))
          : null;
      const timestamps = columns[TS_COLUMN]!;
      offered.forEach((event, i) => {
        if (kept && event.event_key !== null && !kept.has(event.event_key.toString())) {
          duplicates.push(offeredIndex[i]!);
        } else {
          // Its partials' day: `CAST(ts AS DATE)` of the timestamp text sent, its first ten.
          touched.add(event.account_id, String(timestamps[i]).slice(0, 10));
        }
      });
      if (kept) duplicates.sort((a, b) => a - b);
      return { duplicates };
    },
    async count(accountId) {
      const row = await db.one('SELECT count(*) AS n FROM events WHERE account_id = $1', [
        accountId,
      ]);
      return Number(row?.n ?? 0);
    },
  };
}

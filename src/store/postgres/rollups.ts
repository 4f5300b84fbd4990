/**
 * The report rollups in PostgreSQL (src/domain/reports/rollups.ts): the account locks that keep
 * them exact, the re-fold of a session (and of an annotation's chapter partials and widget events)
 * when the catalog changes an annotation's type, and the compaction of the partials each commit
 * appends (`widget_events` has none: its rows are final).
 *
 * Why locks: a fold reads the annotation types of the catalog as its statement's snapshot sees
 * them. Appends (and compactions) hold the account's lock SHARED, so they run side by side; a
 * catalog write that changes a type holds it EXCLUSIVE from before it re-folds until it commits,
 * so that every append either committed before the re-fold read the events (and is re-folded
 * with them) or starts after the commit (and folds with the new type). Transaction-level
 * advisory locks: PostgreSQL lets them go at commit or rollback, and every node shares them.
 *
 * `session_days` has one more column here, `alone`, outside the folds (so appended and merged
 * rows take its default, false): true when this store found the partial its session's only one,
 * on any day. The compaction checks the partials of the days it merges (`settleAlone`); a re-fold,
 * which folds every day of its sessions, counts them (`foldWholeSessions`). Of two partials of one
 * session at least one is never alone, across nodes too: a check sees every partial committed
 * before it, and a partial committed after is not alone itself. Reports combine the sessions with
 * a partial in range that is not alone and take every other partial as its session (the dialect
 * seam `multiPartialSessions` in sql.ts), without grouping every partial by session to find out.
 */
import { createHash } from 'node:crypto';
import {
  ANNOTATION_ROLLUPS,
  COMPACTED_ROLLUPS,
  ROLLUP_KEYS,
  foldSessionDays,
} from '../../domain/reports/rollups.js';
import type { RollupStore } from '../store.js';
import type { TouchedDays as Touched } from '../touched-days.js';
import type { PgDb, Tx } from './database.js';
import { num } from './rows.js';

/** The first key of the rollup locks, the same on every node: "roll". */
const ROLLUP_LOCK_CLASS = 0x726f_6c6c;

/**
 * An account's lock key: a 32-bit hash of its ID as stored (U+0000 kept as U+FFFD, database.ts),
 * so that both spellings lock alike. A collision only makes two accounts wait on each other.
 */
function accountLockKey(accountId: string): number {
  return createHash('sha256').update(accountId.replaceAll('\0', '\uFFFD')).digest().readInt32BE(0);
}

/**
 * Runs `work` in a transaction that holds the rollup lock of every account in `accountIds`
 * shared until it ends. The locks are taken with the BEGIN, so before any statement of `work`
 * takes its snapshot, and in key order, so that two transactions queued behind catalog writes
 * cannot wait on each other.
 */
export function withAccountsShared<T>(
  db: PgDb,
  accountIds: Iterable<string>,
  work: (tx: Tx) => Promise<T>,
): Promise<T> {
  // Each account once before hashing: a group commit names the account of every event, and a
  // SHA-256 per event was ~5 % of the collector's main thread.
  const keys = [...new Set([...new Set(accountIds)].map(accountLockKey))].sort((a, b) => a - b);
  // Integers we make: no injection, and no parameters in a multi-statement query.
  const locks = keys.map(
    (key) => `SELECT pg_advisory_xact_lock_shared(${ROLLUP_LOCK_CLASS}, ${key})`,
  );
  return db.transaction(work, '', locks.join('; '));
}

/** Holds an account's rollup lock exclusively until the transaction ends (catalog writes). */
async function lockAccountExclusive(tx: Tx, accountId: string): Promise<void> {
  await tx.run('SELECT pg_advisory_xact_lock($1, $2)', [
    ROLLUP_LOCK_CLASS,
    accountLockKey(accountId),
  ]);
}

/**
 * `foldSessionDays` of sources that hold every event of their sessions (a re-fold), with `alone`
 * (the table's last column): whether the partial is its session's only one.
 */
function foldWholeSessions(source: string): string {
  return `SELECT f.*, count(*) OVER (PARTITION BY f.account_id, f.session_id) = 1 AS alone
FROM (${foldSessionDays(source, 'postgres')}) AS f`;
}

/**
 * Marks `alone` the partials of `session_days` (alias `s`) that `where` selects and that are
 * their session's only one, looking each session up in the index on (account_id, session_id).
 */
export function settleAlone(where: string): string {
  return `UPDATE session_days AS s SET alone = true
WHERE ${where} AND NOT s.alone AND NOT EXISTS (
  SELECT 1 FROM session_days AS o
  WHERE o.account_id = s.account_id AND o.session_id = s.session_id AND o.ctid <> s.ctid)`;
}

/**
 * The sessions whose events name annotation $2 of account $1, their `session_days` rows (every
 * day) replaced by a fold of all their events with the catalog as this transaction sees it, each
 * partial `alone` when it is its session's only one. One statement: the DELETE and the INSERT
 * share a snapshot, so the rows deleted are exactly those the fresh fold replaces.
 */
const REFOLD_SESSIONS = `WITH named AS (
  SELECT DISTINCT session_id FROM events WHERE account_id = $1 AND annotation_id = $2
), gone AS (
  DELETE FROM session_days
  WHERE account_id = $1 AND session_id IN (SELECT session_id FROM named)
)
INSERT INTO session_days ${foldWholeSessions(
  '(SELECT * FROM events WHERE account_id = $1 AND session_id IN (SELECT session_id FROM named))',
)}`;

/**
 * Per rollup of `ANNOTATION_ROLLUPS`: annotation $2 of account $1's rows (every day) replaced by a
 * fold of its events with the catalog as this transaction sees it (chapter partials, widget rows
 * that come or go with the type), in one statement for the same reason as `REFOLD_SESSIONS`.
 */
const REFOLD_OF_ANNOTATION = ANNOTATION_ROLLUPS.map(
  ({ table, column, fold }) => `WITH gone AS (
  DELETE FROM ${table} WHERE account_id = $1 AND ${column} = $2
)
INSERT INTO ${table} ${fold('(SELECT * FROM events WHERE account_id = $1 AND annotation_id = $2)', 'postgres')}`,
);

/**
 * Called by a catalog write, in its transaction and after writing, when annotation `annotationId`
 * now has a type it did not have before (a new annotation, or a changed type): re-folds the
 * sessions whose events name it and the chapter partials and widget events of its own events, if
 * any stored event does. Takes the account's lock exclusively even when none does, since an
 * append that has not committed yet may be about to name it.
 */
export async function refoldAnnotation(
  tx: Tx,
  accountId: string,
  annotationId: string,
): Promise<void> {
  await lockAccountExclusive(tx, accountId);
  const seen = await tx.one(
    'SELECT 1 FROM annotations_seen WHERE account_id = $1 AND annotation_id = $2',
    [accountId, annotationId],
  );
  if (!seen) return;
  // Appends of the account wait meanwhile: no JIT, whose compiling took 1 s of a 19 s re-fold
  // (a quarter of the sessions of a 10-million-event account).
  await tx.run('SET LOCAL jit = off');
  await tx.run(REFOLD_SESSIONS, [accountId, annotationId]);
  for (const refold of REFOLD_OF_ANNOTATION) await tx.run(refold, [accountId, annotationId]);
}

/** The pairs to compact, days spelled `YYYY-MM-DD`. */
export type TouchedDays = Touched<string>;

/**
 * The partials of account $1's day $2 in `table` whose key has more than one: the rows merging
 * changes. The others are left alone, so that a busy day is not rewritten whole each time a few
 * of its sessions get partials (a day of 150,000 sessions: 0.15 s to find nothing to merge,
 * where deleting and inserting them all took 1 to 2 s, and left as many dead rows).
 */
const partialsToMerge = (table: keyof typeof ROLLUP_KEYS) =>
  `SELECT unnest(array_agg(ctid)) FROM ${table}
    WHERE account_id = $1 AND day = $2::date
    GROUP BY ${ROLLUP_KEYS[table].join(', ')} HAVING count(*) > 1`;

/**
 * One (account, day)'s partials of each compacted rollup merged into one row per key; the number of rows
 * this removed. Only the rows the DELETEs remove are merged: partials that other nodes append
 * meanwhile are not seen by them, and stay; those another node's compaction took first are
 * skipped.
 */
const COMPACT_DAY = `WITH ${COMPACTED_ROLLUPS.map(
  ({ table, merge }) => `${table}_gone AS (
  DELETE FROM ${table}
  WHERE ctid = ANY (ARRAY(${partialsToMerge(table)}))
  RETURNING *
), ${table}_merged AS (
  INSERT INTO ${table} ${merge(`${table}_gone`, 'postgres')} RETURNING 1
)`,
).join(', ')}
SELECT ${COMPACTED_ROLLUPS.map(({ table }) => `(SELECT count(*) FROM ${table}_gone) - (SELECT count(*) FROM ${table}_merged)`).join('\n  + ')} AS merged`;

/**
 * The partials of account $1's day $2 that are their session's only one, marked `alone`. Another
 * node's append meanwhile can add a partial this check does not see: it is not alone itself, and
 * a report combines the two.
 */
const SETTLE_DAY = settleAlone('s.account_id = $1 AND s.day = $2::date');

export function pgRollups(db: PgDb, touched: TouchedDays): RollupStore {
  /**
   * The shared lock keeps a re-fold out while the day is merged: merged rows inserted under an
   * older snapshot than the re-fold's DELETE would escape it and keep the old types.
   */
  const compactDay = (accountId: string, day: string) =>
    withAccountsShared(db, [accountId], async (tx) => {
      const merged = num((await tx.one(COMPACT_DAY, [accountId, day]))?.merged);
      // A statement of its own, to see the merged rows.
      await tx.run(SETTLE_DAY, [accountId, day]);
      return merged;
    });

  return {
    async compact() {
      const pairs = touched.take();
      let merged = 0;
      for (const [i, [accountId, day]] of pairs.entries()) {
        try {
          merged += await compactDay(accountId, day);
        } catch (error) {
          // What was not merged is merged next time.
          for (const [a, d] of pairs.slice(i)) touched.add(a, d);
          throw error;
        }
      }
      return merged;
    },
  };
}

import type { CounterStore } from '../store.js';
import type { PgDb } from './database.js';

/**
 * Sliding-window counters in PostgreSQL, so that a brute-force limit holds whichever node a
 * request reaches. A hit takes a transaction-level advisory lock on its key, then prunes, records
 * and counts: two nodes hitting one key at once are counted one after the other, never both as
 * the n-th. Times are the database's clock, the one clock every node shares.
 */
export function pgCounters(db: PgDb): CounterStore {
  const since = `(clock_timestamp() AT TIME ZONE 'UTC') - make_interval(secs => $2::double precision / 1000)`;
  let hits = 0;
  return {
    hit: (key, windowMs) =>
      db.transaction(async (tx) => {
        // Now and then, every key's old hits go too: keys never hit again (a guessed client_id)
        // would otherwise stay for ever. (All keys share one window, the brute-force window.)
        if (++hits % 1000 === 0) {
          await tx.run(`DELETE FROM counter_hits WHERE at <= ${since.replace('$2', '$1')}`, [
            windowMs,
          ]);
        }
        await tx.run('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
        await tx.run(`DELETE FROM counter_hits WHERE key = $1 AND at <= ${since}`, [key, windowMs]);
        await tx.run(
          `INSERT INTO counter_hits (key, at) VALUES ($1, clock_timestamp() AT TIME ZONE 'UTC')`,
          [key],
        );
        const row = await tx.one(
          `SELECT count(*) AS n FROM counter_hits WHERE key = $1 AND at > ${since}`,
          [key, windowMs],
        );
        return Number(row?.n ?? 0);
      }),
    async count(key, windowMs) {
      const row = await db.one(
        `SELECT count(*) AS n FROM counter_hits WHERE key = $1 AND at > ${since}`,
        [key, windowMs],
      );
      return Number(row?.n ?? 0);
    },
  };
}

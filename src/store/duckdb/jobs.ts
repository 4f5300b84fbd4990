import type { DuckDBConnection } from '@duckdb/node-api';
import { retryAfterSeconds } from '../../domain/reports/limits.js';
import type { Claim, JobStore } from '../store.js';
import type { DuckDb, Row } from './database.js';
import { str, tsParam } from './rows.js';
import { toJob } from '../rows.js';

async function rows(
  conn: DuckDBConnection,
  sql: string,
  params: (string | number | boolean | null)[],
): Promise<Row[]> {
  return (await conn.runAndReadAll(sql, params)).getRowObjectsJS();
}

/** The job is running under this claim still. */
const HELD = `id = ? AND attempt = ? AND state = 'running'`;
const heldParams = (claim: Claim) => [claim.id, claim.attempt];
const held = (updated: Row[]) => updated.length > 0;

export function duckJobs(db: DuckDb): JobStore {
  return {
    // Runs on the single writer, so find-or-create is atomic for every request of this process.
    open: (job, limits, now) =>
      db.write(async (conn) => {
        const live = await rows(
          conn,
          `SELECT * FROM jobs WHERE identity = ? AND (state IN ('queued', 'running')
             OR (state IN ('done', 'failed') AND expires_at > ?::TIMESTAMP))
           ORDER BY created_at DESC LIMIT 1`,
          [job.identity, tsParam(now)],
        );
        if (live[0]) return { job: toJob(live[0]), created: false as const };
        if (job.counted) {
          const recent = await rows(
            conn,
            `SELECT created_at FROM jobs WHERE account_id = ? AND counted AND state <> 'failed'
               AND created_at > ?::TIMESTAMP`,
            [job.account_id, tsParam(new Date(now.getTime() - 86_400_000))],
          );
          const wait = retryAfterSeconds(
            recent.map((r) => (r.created_at as Date).getTime()),
            limits,
            now.getTime(),
          );
          if (wait > 0) return { refused: true as const, retryAfter: wait };
        }
        const created = await rows(
          conn,
          `INSERT INTO jobs (id, identity, account_id, report, scope, state, counted, created_at)
           VALUES (?, ?, ?, ?, ?, 'queued', ?, ?::TIMESTAMP) RETURNING *`,
          [
            job.id,
            job.identity,
            job.account_id,
            job.report,
            JSON.stringify(job.scope),
            job.counted,
            tsParam(now),
          ],
        );
        return { job: toJob(created[0]!), created: true as const };
      }),

    async get(id) {
      const row = await db.one('SELECT * FROM jobs WHERE id = ?', [id]);
      return row ? toJob(row) : null;
    },

    claim: (now, leaseMs) =>
      db.write(async (conn) => {
        // Fairness: the account with the fewest running jobs goes first, then the oldest job.
        const next = await rows(
          conn,
          `SELECT q.id FROM jobs q
           LEFT JOIN (SELECT account_id, count(*) AS n FROM jobs WHERE state = 'running' GROUP BY account_id) r
             ON r.account_id = q.account_id
           WHERE q.state = 'queued' ORDER BY coalesce(r.n, 0), q.created_at LIMIT 1`,
          [],
        );
        if (!next[0]) return null;
        const claimed = await rows(
          conn,
          `UPDATE jobs SET state = 'running', started_at = ?::TIMESTAMP, attempt = attempt + 1,
             lease_until = ?::TIMESTAMP
           WHERE id = ? AND state = 'queued' RETURNING *`,
          [tsParam(now), tsParam(new Date(now.getTime() + leaseMs)), str(next[0].id)],
        );
        return claimed[0] ? toJob(claimed[0]) : null;
      }),

    async renew(claim, now, leaseMs) {
      return held(
        await db.writeAll(`UPDATE jobs SET lease_until = ?::TIMESTAMP WHERE ${HELD} RETURNING id`, [
          tsParam(new Date(now.getTime() + leaseMs)),
          ...heldParams(claim),
        ]),
      );
    },

    async finish(claim, result, now) {
      return held(
        await db.writeAll(
          `UPDATE jobs SET state = 'done', finished_at = ?::TIMESTAMP, rows = ?, truncated = ?,
             expires_at = ?::TIMESTAMP, lease_until = NULL
           WHERE ${HELD} RETURNING id`,
          [
            tsParam(now),
            result.rows,
            result.truncated,
            tsParam(result.expiresAt),
            ...heldParams(claim),
          ],
        ),
      );
    },

    async fail(claim, error, expiresAt, now) {
      return held(
        await db.writeAll(
          `UPDATE jobs SET state = 'failed', finished_at = ?::TIMESTAMP, error = ?,
             expires_at = ?::TIMESTAMP, lease_until = NULL
           WHERE ${HELD} RETURNING id`,
          [tsParam(now), error, tsParam(expiresAt), ...heldParams(claim)],
        ),
      );
    },

    async release(claim) {
      return held(
        await db.writeAll(
          `UPDATE jobs SET state = 'queued', started_at = NULL, lease_until = NULL
           WHERE ${HELD} RETURNING id`,
          heldParams(claim),
        ),
      );
    },

    // One process owns the file: whatever is running was left by a process that stopped.
    async requeueRunning() {
      const requeued = await db.writeAll(
        `UPDATE jobs SET state = 'queued', started_at = NULL, lease_until = NULL
         WHERE state = 'running' RETURNING id`,
      );
      return requeued.length;
    },

    async requeueExpired(now) {
      const requeued = await db.writeAll(
        `UPDATE jobs SET state = 'queued', started_at = NULL, lease_until = NULL
         WHERE state = 'running' AND lease_until < ?::TIMESTAMP RETURNING id`,
        [tsParam(now)],
      );
      return requeued.length;
    },

    async queuedAhead(job) {
      const row = await db.one(
        `SELECT count(*) AS n FROM jobs WHERE state IN ('queued', 'running') AND created_at < ?::TIMESTAMP`,
        [tsParam(job.created_at)],
      );
      return Number(row?.n ?? 0);
    },

    // One process owns the file: its report service hears of its own jobs directly.
    watch: async () => async () => undefined,

    expire: (now) =>
      db.write(async (conn) => {
        const expired = await rows(
          conn,
          `UPDATE jobs SET state = 'expired' WHERE state = 'done' AND expires_at <= ?::TIMESTAMP RETURNING id`,
          [tsParam(now)],
        );
        // Job rows stay for two days: the daily rate window still counts them.
        await conn.run(
          `DELETE FROM jobs WHERE state IN ('expired', 'failed') AND created_at < ?::TIMESTAMP`,
          [tsParam(new Date(now.getTime() - 2 * 86_400_000))],
        );
        return expired.map((r) => str(r.id));
      }),
  };
}

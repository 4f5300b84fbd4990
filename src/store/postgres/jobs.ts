/**
 * The report queue shared by every node. Three rules make it safe across processes:
 * - find-or-create runs under a transaction-level advisory lock per account, so the rate-limit
 *   check and the insert are one step whichever node a request reaches; the unique index on the
 *   identity of queued and running jobs makes a second live job impossible even so;
 * - workers claim with `FOR UPDATE SKIP LOCKED`, so two never take one job and none waits on
 *   another's claim;
 * - a claim is a lease: renewed by its worker, re-queued by any node's sweeper once it runs out,
 *   and every later write of the claim's worker is conditional on the claim (id and attempt).
 */
import { retryAfterSeconds } from '../../domain/reports/limits.js';
import type { Claim, JobChange, JobStore } from '../store.js';
import { tsParam, type PgDb } from './database.js';
import { num, str } from './rows.js';
import { toJob } from '../rows.js';

const LIVE = `identity = $1 AND (state IN ('queued', 'running')
  OR (state IN ('done', 'failed') AND expires_at > $2))`;
const FIND_LIVE = `SELECT * FROM jobs WHERE ${LIVE} ORDER BY created_at DESC LIMIT 1`;

/** The job is running under this claim still ($1 id, $2 attempt). */
const HELD = `id = $1 AND attempt = $2 AND state = 'running'`;

/** Namespace of the per-account advisory locks (the other key is a hash of the account ID). */
const ACCOUNT_LOCK = 0x6a6f6273; // "jobs"

const DAY_MS = 86_400_000;

/** The NOTIFY channel of job changes (payload `queued:<id>` or `settled:<id>`), sent at commit. */
const CHANNEL = 'cuepoint_jobs';

/** `sql` (an UPDATE … RETURNING id) that also tells listeners of each job it changed. */
const notifying = (sql: string, state: JobChange['state']) =>
  `WITH changed AS (${sql} RETURNING id)
   SELECT pg_notify('${CHANNEL}', '${state}:' || id) FROM changed`;

export function pgJobs(db: PgDb): JobStore {
  const changed = async (sql: string, params: (string | number | boolean | null)[]) =>
    (await db.run(sql, params)) > 0;
  const settles = async (sql: string, params: (string | number | boolean | null)[]) =>
    (await db.all(notifying(sql, 'settled'), params)).length > 0;

  return {
    async open(job, limits, now) {
      // Nearly every call is a poll of a live job: answer it without taking the lock.
      const found = await db.one(FIND_LIVE, [job.identity, tsParam(now)]);
      if (found) return { job: toJob(found), created: false as const };
      return db.transaction(async (tx) => {
        await tx.run('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
          ACCOUNT_LOCK,
          job.account_id,
        ]);
        const live = await tx.one(FIND_LIVE, [job.identity, tsParam(now)]);
        if (live) return { job: toJob(live), created: false as const };
        if (job.counted) {
          const recent = await tx.all(
            `SELECT created_at FROM jobs WHERE account_id = $1 AND counted AND state <> 'failed'
               AND created_at > $2`,
            [job.account_id, tsParam(new Date(now.getTime() - DAY_MS))],
          );
          const wait = retryAfterSeconds(
            recent.map((r) => (r.created_at as Date).getTime()),
            limits,
            now.getTime(),
          );
          if (wait > 0) return { refused: true as const, retryAfter: wait };
        }
        const created = await tx.one(
          `INSERT INTO jobs (id, identity, account_id, report, scope, state, counted, created_at)
           VALUES ($1, $2, $3, $4, $5, 'queued', $6, $7)
           ON CONFLICT (identity) WHERE state IN ('queued', 'running') DO NOTHING
           RETURNING *`,
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
        if (created) {
          await tx.run(`SELECT pg_notify('${CHANNEL}', 'queued:' || $1)`, [job.id]);
          return { job: toJob(created), created: true as const };
        }
        // Only reachable if the lock were bypassed: the identity's live job exists, join it.
        const winner = await tx.one(FIND_LIVE, [job.identity, tsParam(now)]);
        if (!winner) throw new Error(`job ${job.identity} neither created nor found`);
        return { job: toJob(winner), created: false as const };
      });
    },

    async get(id) {
      const row = await db.one('SELECT * FROM jobs WHERE id = $1', [id]);
      return row ? toJob(row) : null;
    },

    async claim(now, leaseMs) {
      // Fairness: the account with the fewest running jobs goes first, then the oldest job.
      // SKIP LOCKED: a job another worker is claiming right now is passed over, not waited for.
      const row = await db.one(
        `UPDATE jobs SET state = 'running', started_at = $1, attempt = attempt + 1,
           lease_until = $2
         WHERE id = (
           SELECT q.id FROM jobs q
           LEFT JOIN (SELECT account_id, count(*) AS n FROM jobs WHERE state = 'running'
                      GROUP BY account_id) r ON r.account_id = q.account_id
           WHERE q.state = 'queued'
           ORDER BY coalesce(r.n, 0), q.created_at
           LIMIT 1
           FOR UPDATE OF q SKIP LOCKED)
         RETURNING *`,
        [tsParam(now), tsParam(new Date(now.getTime() + leaseMs))],
      );
      return row ? toJob(row) : null;
    },

    renew: (claim, now, leaseMs) =>
      changed(`UPDATE jobs SET lease_until = $3 WHERE ${HELD}`, [
        claim.id,
        claim.attempt,
        tsParam(new Date(now.getTime() + leaseMs)),
      ]),

    finish: (claim, result, now) =>
      settles(
        `UPDATE jobs SET state = 'done', finished_at = $3, rows = $4, truncated = $5,
           expires_at = $6, lease_until = NULL
         WHERE ${HELD}`,
        [
          claim.id,
          claim.attempt,
          tsParam(now),
          result.rows,
          result.truncated,
          tsParam(result.expiresAt),
        ],
      ),

    fail: (claim, error, expiresAt, now) =>
      settles(
        `UPDATE jobs SET state = 'failed', finished_at = $3, error = $4, expires_at = $5,
           lease_until = NULL
         WHERE ${HELD}`,
        [claim.id, claim.attempt, tsParam(now), error, tsParam(expiresAt)],
      ),

    release: async (claim: Claim) =>
      (
        await db.all(
          notifying(
            `UPDATE jobs SET state = 'queued', started_at = NULL, lease_until = NULL WHERE ${HELD}`,
            'queued',
          ),
          [claim.id, claim.attempt],
        )
      ).length > 0,

    // Other nodes may be running jobs right now: only the lapsed leases are anyone's to take.
    requeueRunning: (now) => requeueLapsed(db, now),
    requeueExpired: (now) => requeueLapsed(db, now),

    async queuedAhead(job) {
      const row = await db.one(
        `SELECT count(*) AS n FROM jobs WHERE state IN ('queued', 'running') AND created_at < $1`,
        [tsParam(job.created_at)],
      );
      return num(row?.n);
    },

    async watch(listener) {
      return db.listen(CHANNEL, (payload) => {
        const [state, jobId] = payload.split(':', 2);
        if ((state === 'queued' || state === 'settled') && jobId) listener({ jobId, state });
      });
    },

    expire: (now) =>
      db.transaction(async (tx) => {
        const expired = await tx.all(
          `UPDATE jobs SET state = 'expired' WHERE state = 'done' AND expires_at <= $1 RETURNING id`,
          [tsParam(now)],
        );
        // Job rows stay for two days: the daily rate window still counts them.
        await tx.run(`DELETE FROM jobs WHERE state IN ('expired', 'failed') AND created_at < $1`, [
          tsParam(new Date(now.getTime() - 2 * DAY_MS)),
        ]);
        // Results no live job will serve (its node died between expiring and removing them, or a
        // job failed after storing): theirs can go too.
        const orphaned = await tx.all(
          `SELECT r.job_id AS id FROM results r WHERE NOT EXISTS (SELECT 1 FROM jobs j
             WHERE j.id = r.job_id AND j.state IN ('queued', 'running', 'done'))`,
        );
        return [...new Set([...expired, ...orphaned].map((r) => str(r.id)))];
      }),
  };
}

async function requeueLapsed(db: PgDb, now: Date): Promise<number> {
  const requeued = await db.all(
    notifying(
      `UPDATE jobs SET state = 'queued', started_at = NULL, lease_until = NULL
       WHERE state = 'running' AND lease_until < $1`,
      'queued',
    ),
    [tsParam(now)],
  );
  return requeued.length;
}

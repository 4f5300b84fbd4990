/**
 * The report engine's service (reporting-api.md §1.3–1.4): report identity, one job however many
 * identical requests, in-process workers, long-poll waits, result lifetimes, crash recovery.
 * It talks to storage only through the Store interface, so server mode shares it unchanged.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';
import type { Config } from '../config.js';
import { AppError } from '../domain/errors.js';
import {
  ENGAGEMENT_REPORTS,
  UNLIMITED_REPORTS,
  type EngagementReportName,
  type Format,
} from '../domain/reports/columns.js';
import { dayOf } from '../domain/reports/dates.js';
import type { ReportScope } from '../domain/reports/definition.js';
import { REPORT_DEFINITIONS } from '../domain/reports/index.js';
import { DEFAULT_LIMITS } from '../domain/reports/limits.js';
import { reportIdentity } from '../domain/reports/request.js';
import type { Claim, Job, ResultColumn, Store } from '../store/store.js';

export interface Logger {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export type ReportOutcome =
  | { state: 'done'; job: Job }
  | { state: 'pending'; job: Job; retryAfter: number }
  | { state: 'failed'; job: Job };

export interface ReportService {
  /** Finds or starts the job for this request. Throws 429 when a new job is refused. */
  request(report: EngagementReportName, scope: ReportScope): Promise<ReportOutcome>;
  /** Waits up to `ms` for the job to settle (long-poll); answers early when the service closes. */
  wait(job: Job, ms: number): Promise<ReportOutcome>;
  /** The finished result in a format. */
  open(job: Job, format: Format): Promise<{ stream: Readable; bytes: number }>;
  /** Starts the workers and the sweeper: recovers jobs a stopped process left running. */
  start(): Promise<void>;
  /** Stops taking jobs; releases long-polls at once. Idempotent. */
  close(): Promise<void>;
}

export function columnsOf(report: string): ResultColumn[] {
  return ENGAGEMENT_REPORTS[report as EngagementReportName].map(([name, kind]) => ({ name, kind }));
}

export function createReportService(store: Store, config: Config, log: Logger): ReportService {
  const settled = new EventEmitter();
  settled.setMaxListeners(0);
  let closed = false;
  const timers: NodeJS.Timeout[] = [];
  let stopWatching: (() => Promise<void>) | undefined;

  const outcome = async (job: Job): Promise<ReportOutcome> => {
    if (job.state === 'done') return { state: 'done', job };
    if (job.state === 'failed') return { state: 'failed', job };
    // A hint: one second plus a second for each job ahead per worker.
    const ahead = await store.jobs.queuedAhead(job);
    return {
      state: 'pending',
      job,
      retryAfter: 1 + Math.floor(ahead / Math.max(1, config.reportWorkers)),
    };
  };

  function lifetime(scope: ReportScope, now: Date): number {
    const includesToday = scope.end >= dayOf(now);
    return (includesToday ? config.todayResultTtlSeconds : config.resultTtlSeconds) * 1000;
  }

  /** Claims held by this process's workers, released at close so another node takes them. */
  const held = new Map<string, Claim>();

  /** Keeps the claim's lease alive at half its length while the job runs. */
  function holdLease(claim: Claim): () => void {
    held.set(claim.id, claim);
    const timer = setInterval(() => {
      store.jobs.renew(claim, new Date(), config.jobLeaseMs).then(
        (kept) => {
          if (kept) return;
          clearInterval(timer);
          log.warn({ job: claim.id }, 'lease lost: another worker runs this job now');
        },
        (error: unknown) => log.error({ err: error, job: claim.id }, 'lease renewal failed'),
      );
    }, config.jobLeaseMs / 2).unref();
    return () => {
      clearInterval(timer);
      held.delete(claim.id);
    };
  }

  async function run(job: Job): Promise<void> {
    const definition = REPORT_DEFINITIONS[job.report as EngagementReportName];
    const started = performance.now();
    const letGo = holdLease(job);
    try {
      if (!definition) throw new Error(`no definition for report ${job.report}`);
      const rows = await store.results.materialize(
        job.id,
        (dialect, limit) => definition.sql(job.scope, dialect, limit),
        columnsOf(job.report),
        config.reportRowCap,
        definition.postgresSettings,
      );
      const now = new Date();
      const finished = await store.jobs.finish(
        job,
        {
          rows: Math.min(rows, config.reportRowCap),
          truncated: rows > config.reportRowCap,
          expiresAt: new Date(now.getTime() + lifetime(job.scope, now)),
        },
        now,
      );
      log.info(
        {
          job: job.id,
          report: job.report,
          rows,
          ms: Math.round(performance.now() - started),
          ...(!finished && { claim: 'lost' }),
        },
        'report done',
      );
    } catch (error) {
      if (closed) return; // released at close: another worker runs it
      log.error({ err: error, job: job.id, report: job.report }, 'report failed');
      const now = new Date();
      await store.jobs
        .fail(
          job,
          'the report failed',
          new Date(now.getTime() + config.failedJobSeconds * 1000),
          now,
        )
        .catch(() => undefined);
    } finally {
      letGo();
      settled.emit(job.id);
    }
  }

  /** Workers busy or about to be (a claim under way counts, so that two pumps never overfill). */
  let busy = 0;
  async function pump(): Promise<void> {
    while (!closed && busy < config.reportWorkers) {
      busy++;
      let job: Job | null = null;
      try {
        job = await store.jobs.claim(new Date(), config.jobLeaseMs);
      } finally {
        if (!job) busy--;
      }
      if (!job) return;
      void run(job).finally(() => {
        busy--;
        wake();
      });
    }
  }
  const wake = () =>
    void pump().catch((error: unknown) => log.error({ err: error }, 'job pump failed'));

  async function sweep(): Promise<void> {
    for (const id of await store.jobs.expire(new Date())) await store.results.remove(id);
  }

  /** Jobs whose worker died (its lease ran out) go back to the queue, for any node to run. */
  async function sweepLeases(): Promise<void> {
    const requeued = await store.jobs.requeueExpired(new Date());
    if (requeued > 0) {
      log.warn({ requeued }, 'jobs whose worker stopped renewing its lease are queued again');
      wake();
    }
  }

  return {
    async request(report, scope) {
      const account = await store.accounts.get(scope.accountId);
      const limits = account?.limits ?? DEFAULT_LIMITS;
      const opened = await store.jobs.open(
        {
          id: randomUUID(),
          identity: reportIdentity(report, scope),
          account_id: scope.accountId,
          report,
          scope,
          counted: !UNLIMITED_REPORTS.includes(report),
        },
        limits,
        new Date(),
      );
      if ('refused' in opened) {
        throw new AppError(
          'TOO_MANY_REQUESTS',
          'the new-report rate limit of this account is reached; retry later',
          {
            retryAfter: opened.retryAfter,
          },
        );
      }
      if (opened.created) wake();
      return outcome(opened.job);
    },

    async wait(job, ms) {
      if (ms > 0 && !closed) {
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            clearInterval(poll);
            settled.off(job.id, done);
            settled.off('close', done);
            resolve();
          };
          const timer = setTimeout(done, ms);
          const look = () =>
            void store.jobs.get(job.id).then(
              (j) => {
                if (j && j.state !== 'queued' && j.state !== 'running') done();
              },
              () => undefined,
            );
          // Another node may finish it (server mode): look at the store now and then too.
          const poll = setInterval(look, config.jobPollMs);
          settled.on(job.id, done);
          settled.on('close', done);
          // It may have settled between the request and this wait, its event already gone.
          look();
        });
      }
      const latest = await store.jobs.get(job.id);
      return outcome(latest ?? job);
    },

    async open(job, format) {
      try {
        return await store.results.open(job.id, format, columnsOf(job.report), config.reportRowCap);
      } catch (error) {
        log.error({ err: error, job: job.id }, 'result could not be opened');
        throw new AppError('SERVER_ERROR', 'the stored result could not be read');
      }
    },

    async start() {
      // Jobs queued or settled by other processes (server mode) wake workers and long-polls here.
      stopWatching = await store.jobs.watch((change) => {
        if (change.state === 'queued') wake();
        else settled.emit(change.jobId);
      });
      const requeued = await store.jobs.requeueRunning(new Date());
      if (requeued > 0)
        log.info({ requeued }, 'jobs left running by a stopped process are queued again');
      await sweep();
      if (config.reportWorkers > 0) {
        timers.push(setInterval(wake, config.jobPollMs).unref());
        wake();
      }
      timers.push(
        setInterval(
          () => void sweep().catch((error: unknown) => log.error({ err: error }, 'sweep failed')),
          config.sweepSeconds * 1000,
        ).unref(),
        setInterval(
          () =>
            void sweepLeases().catch((error: unknown) =>
              log.error({ err: error }, 'lease sweep failed'),
            ),
          config.jobSweepMs,
        ).unref(),
      );
    },

    async close() {
      if (closed) return;
      closed = true;
      for (const timer of timers) clearInterval(timer);
      settled.emit('close');
      await stopWatching?.();
      // Jobs still running here go back to the queue now rather than when their lease runs out.
      const claims = [...held.values()];
      held.clear();
      for (const claim of claims) await store.jobs.release(claim).catch(() => false);
    },
  };
}

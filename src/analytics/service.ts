/**
 * Runs the synchronous analytics reports (reporting-api.md §2, details.md §3): not cached, not
 * counted in the engagement rate limits; at most `analyticsConcurrency` running per account in
 * this process (one more is refused with 429 and `Retry-After: 1`, never queued); each report's
 * queries share one time budget of `analyticsTimeoutSeconds` (→ AppError UNAVAILABLE, a 503).
 */
import type { Config } from '../config.js';
import type { AnalyticsReportName } from '../domain/reports/columns.js';
import {
  ANALYTICS_DEFINITIONS,
  projectKnownSql,
  type AnalyticsOutput,
  type AnalyticsScope,
} from '../domain/reports/analytics/index.js';
import { AppError, notFound } from '../domain/errors.js';
import type { Store } from '../store/store.js';

export interface AnalyticsService {
  /**
   * Runs one report for a parsed request. Fails with TOO_MANY_REQUESTS when the account already
   * runs its share, RESOURCE_NOT_FOUND for a project the account does not know, UNAVAILABLE when
   * the time budget runs out.
   */
  run(report: AnalyticsReportName, scope: AnalyticsScope): Promise<AnalyticsOutput>;
}

/** Timers may fire a little early; a failure this close to the deadline is the deadline's. */
const TIMER_SLACK_MS = 5;

export function createAnalyticsService(store: Store, config: Config): AnalyticsService {
  const running = new Map<string, number>();
  const budgetMs = config.analyticsTimeoutSeconds * 1000;
  const cap = config.reportRowCap;

  async function execute(
    report: AnalyticsReportName,
    scope: AnalyticsScope,
  ): Promise<AnalyticsOutput> {
    const deadline = Date.now() + budgetMs;
    const overtime = () =>
      new AppError(
        'UNAVAILABLE',
        `the report took longer than ${config.analyticsTimeoutSeconds} s; try a shorter range or one project`,
      );
    const select = async (sql: string) => {
      const left = deadline - Date.now();
      if (left <= 0) throw overtime();
      try {
        return await store.query.select(sql, left);
      } catch (error) {
        // The store's own timeout message names what was left of the budget, not the budget.
        const timedOut = Date.now() >= deadline - TIMER_SLACK_MS;
        if (error instanceof AppError && error.code === 'UNAVAILABLE' && timedOut) throw overtime();
        throw error;
      }
    };
    if (scope.projectId !== undefined) {
      const [row] = await select(projectKnownSql(scope.accountId, scope.projectId));
      if (row?.known !== true) {
        throw notFound(`project ${JSON.stringify(scope.projectId)} not found in this account`);
      }
    }
    const definition = ANALYTICS_DEFINITIONS[report];
    const rows: Record<string, Record<string, unknown>[]> = {};
    for (const [name, sql] of Object.entries(definition.queries(scope, cap))) {
      rows[name] = await select(sql);
    }
    return definition.shape(rows, scope, cap);
  }

  return {
    async run(report, scope) {
      const account = scope.accountId;
      const now = running.get(account) ?? 0;
      if (now >= config.analyticsConcurrency) {
        const n = config.analyticsConcurrency;
        throw new AppError(
          'TOO_MANY_REQUESTS',
          `this account already has ${n} analytics report${n === 1 ? '' : 's'} running, the most allowed at once; retry in a moment`,
          { retryAfter: 1 },
        );
      }
      running.set(account, now + 1);
      try {
        return await execute(report, scope);
      } finally {
        const left = (running.get(account) ?? 1) - 1;
        if (left === 0) running.delete(account);
        else running.set(account, left);
      }
    },
  };
}

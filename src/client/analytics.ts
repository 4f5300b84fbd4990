/**
 * The analytics reports (reporting-api.md §2): synchronous JSON at
 * `{analytics base}/v1/accounts/{account_id}/reports/{report}`, the result wrapped in
 * `{"result": …}`. The account is a path segment here, so it is required.
 */
import type { AnalyticsReportName } from '../domain/reports/columns.js';
import type { Call } from './call.js';
import { analyticsReportUrl, type Endpoints } from './endpoints.js';
import { ServerError, ValidationError } from './errors.js';
import { send, type Auth, type TransportOptions } from './transport.js';
import type { AnalyticsParams, AnalyticsResult, AnalyticsResults } from './types.js';

export interface AnalyticsContext {
  transport: TransportOptions;
  endpoints: Endpoints;
  auth: Auth;
  accountId: string | undefined;
}

export async function fetchAnalytics<R extends AnalyticsReportName>(
  ctx: AnalyticsContext,
  report: R,
  params: AnalyticsParams,
  call: Call,
): Promise<AnalyticsResult<AnalyticsResults[R]>> {
  const accountId = params.accountId ?? ctx.accountId;
  if (accountId === undefined || accountId === '') {
    throw new ValidationError(
      'an account is required for analytics reports (their URL names it): set accountId',
      { code: 'ACCOUNT_REQUIRED' },
    );
  }
  const url = analyticsReportUrl(ctx.endpoints, accountId, report);
  const query: Record<string, string | undefined> = {
    project_id: params.projectId,
    start_time: params.startTime,
    end_time: params.endTime,
    user_id: params.userId,
    show_details: params.showDetails === undefined ? undefined : String(params.showDetails),
  };
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') url.searchParams.set(name, value);
  }
  const response = await send(ctx.transport, {
    url,
    headers: { accept: 'application/json' },
    auth: ctx.auth,
    call,
  });
  const body: unknown = await response.json().catch(() => undefined);
  if (typeof body !== 'object' || body === null || !('result' in body)) {
    throw new ServerError(`${report} answered without a result`, {
      status: response.status,
      code: 'BAD_BODY',
      url: url.origin + url.pathname,
    });
  }
  // The server's JSON is trusted to have the documented shape (reporting-api.md §2).
  const result: AnalyticsResults[R] = body.result as AnalyticsResults[R];
  return {
    result,
    truncated: response.headers.get('x-report-truncated')?.toLowerCase() === 'true',
  };
}

/**
 * `cuepoint/client`: the SDK for the reporting API, for a Cuepoint server or Brightcove's own hosts.
 * No dependency beyond Node's fetch. Reference: docs/client.md.
 */
export { createClient, type Client, type ClientOptions } from './client.js';
export {
  AbortError,
  AuthError,
  ConnectionError,
  CuepointError,
  RateLimitError,
  ServerError,
  TimeoutError,
  ValidationError,
} from './errors.js';
export { OAUTH_ERROR_CLASSES, type OAuthErrorCode } from './oauth-errors.js';
export { BRIGHTCOVE_ENDPOINTS, type Endpoints } from './endpoints.js';
export { retryDecision, type Decision, type Outcome, type RetryTuning } from './retry.js';
export { checkReportName, isReportName, planWindows } from './plan.js';
export {
  ANALYTICS_REPORTS,
  ENGAGEMENT_REPORT_NAMES,
  FORMATS,
  ROW_PER_EVENT_REPORTS,
} from '../domain/reports/columns.js';
export type * from './types.js';

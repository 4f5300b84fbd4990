/**
 * `createClient(options)`: the SDK's entry point. Configuration is read once here into frozen
 * internals; every method takes its own AbortSignal and timeout.
 */
import type { AnalyticsReportName, EngagementReportName } from '../domain/reports/columns.js';
import { apiKeyAuth, TokenSource } from './auth.js';
import { withCall } from './call.js';
import { joinBodies, type Chunks } from './concat.js';
import { resolveEndpoints, type Endpoints } from './endpoints.js';
import { ByteCounter, chunksOf, fetchWindow, type EngagementContext } from './engagement.js';
import { fetchAnalytics } from './analytics.js';
import { ServerError, ValidationError } from './errors.js';
import { checkReportName, planWindows } from './plan.js';
import { DEFAULT_TUNING, type RetryTuning } from './retry.js';
import { fileSink, streamSink } from './sink.js';
import type { Auth, Fetch, TransportOptions } from './transport.js';
import type {
  AccessToken,
  AnalyticsParams,
  AnalyticsResult,
  AnalyticsResults,
  DownloadParams,
  DownloadResult,
  ReportEvent,
  ReportParams,
  ReportResult,
  ReportRow,
  WindowResult,
} from './types.js';

export interface ClientOptions {
  /** Engagement reports base. Default Brightcove's `https://interactivity-reporting.api.brightcove.com/api/reports/v2/`. */
  engagementUrl?: string;
  /** Analytics reports base. Default Brightcove's, or the engagement URL's origin when that is not Brightcove. */
  analyticsUrl?: string;
  /** OAuth token URL. Default Brightcove's, or `{engagement origin}/v4/access_token` when that is not Brightcove. */
  tokenUrl?: string;
  clientId?: string;
  clientSecret?: string;
  /** Space-separated scopes to narrow tokens to. */
  scope?: string;
  /** A reporting API key, instead of client credentials. */
  apiKey?: string;
  /** Default account for every call. */
  accountId?: string;
  /** Default time for one call, in ms (0: none). Default 30 minutes. */
  timeoutMs?: number;
  /** Cap of back-off steps and of the wait between polls, in ms. Default 30 s. */
  maxDelayMs?: number;
  /** First back-off step, in ms. Default 500. */
  initialDelayMs?: number;
  /** Retries of a connection failure or 502/503/504 in a row. Default 3. */
  maxNetworkRetries?: number;
  /** Injectable for tests and instrumentation. Default the global fetch. */
  fetch?: Fetch;
  /** Jitter's source, in [0, 1). Default Math.random. */
  random?: () => number;
  userAgent?: string;
}

export interface Client {
  readonly endpoints: Endpoints;
  /** A fresh access token from the token endpoint (client credentials only). */
  token(options?: { signal?: AbortSignal }): Promise<AccessToken>;
  /** A report's rows, typed by report; windows concatenated for long stream/detail ranges. */
  report<R extends EngagementReportName>(
    report: R,
    params?: ReportParams,
  ): Promise<ReportResult<R>>;
  /** A report's body, streamed to a file or a stream without being held in memory. */
  download(report: EngagementReportName, params: DownloadParams): Promise<DownloadResult>;
  /** An analytics report's `result`. */
  analytics<R extends AnalyticsReportName>(
    report: R,
    params?: AnalyticsParams,
  ): Promise<AnalyticsResult<AnalyticsResults[R]>>;
}

const DEFAULT_TIMEOUT_MS = 30 * 60_000;

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}

function parseJson(body: Buffer, report: string): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new ServerError(`${report} answered with a body that is not JSON`, {
      code: 'BAD_BODY',
      cause: error,
    });
  }
}

function credentials(options: ClientOptions, endpoints: Endpoints, transport: TransportOptions) {
  const { clientId, clientSecret, apiKey } = options;
  if (clientId && clientSecret) {
    return new TokenSource({
      transport,
      tokenUrl: endpoints.token,
      clientId,
      clientSecret,
      scope: options.scope,
    });
  }
  if (clientId || clientSecret) {
    throw new ValidationError(
      `${clientId ? 'clientSecret' : 'clientId'} is missing: give both, or an apiKey`,
      {
        code: 'BAD_SETTING',
      },
    );
  }
  if (apiKey) return apiKeyAuth(apiKey);
  throw new ValidationError('no credentials: give clientId and clientSecret, or apiKey', {
    code: 'BAD_SETTING',
  });
}

export function createClient(options: ClientOptions = {}): Client {
  const endpoints = resolveEndpoints(options);
  const tuning: RetryTuning = {
    initialDelayMs: options.initialDelayMs ?? DEFAULT_TUNING.initialDelayMs,
    maxDelayMs: options.maxDelayMs ?? DEFAULT_TUNING.maxDelayMs,
    maxNetworkRetries: options.maxNetworkRetries ?? DEFAULT_TUNING.maxNetworkRetries,
  };
  const transport: TransportOptions = Object.freeze({
    fetch: options.fetch ?? globalThis.fetch,
    tuning,
    random: options.random ?? Math.random,
    userAgent: options.userAgent ?? 'cuepoint-client',
  });
  const auth: Auth = credentials(options, endpoints, transport);
  const ctx: EngagementContext = { transport, endpoints, auth, accountId: options.accountId };
  const defaultTimeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  async function report<R extends EngagementReportName>(
    name: R,
    params: ReportParams = {},
  ): Promise<ReportResult<R>> {
    checkReportName(name);
    const windows = planWindows(name, params);
    return withCall(params, defaultTimeout, async (call) => {
      const counter = new ByteCounter(name, params, call);
      const rows: ReportRow<R>[] = [];
      const results: WindowResult[] = [];
      for (const [i, window] of windows.entries()) {
        const info = { index: i + 1, count: windows.length, ...window };
        const { response, result } = await fetchWindow(ctx, {
          report: name,
          window,
          info,
          format: 'json',
          params,
          call,
        });
        const body = parseJson(
          await collect(counter.count(chunksOf(response.body), info, result.rows)),
          name,
        );
        if (!Array.isArray(body)) {
          throw new ServerError(`${name} answered with JSON that is not an array of rows`, {
            code: 'BAD_BODY',
          });
        }
        // Rows are trusted to have the columns of columns.ts: the server builds them from it.
        for (const row of body) rows.push(row);
        results.push(result);
      }
      const truncated = results.some((w) => w.truncated);
      params.onStatus?.({
        event: 'done',
        report: name,
        bytes: counter.bytes,
        rows: rows.length,
        truncated,
        elapsedMs: call.elapsed(),
      });
      return { rows, truncated, windows: results };
    });
  }

  async function download(
    name: EngagementReportName,
    params: DownloadParams,
  ): Promise<DownloadResult> {
    checkReportName(name);
    const format = params.format ?? 'json';
    const windows = planWindows(name, params);
    const sink =
      typeof params.to === 'string'
        ? await fileSink(params.to)
        : streamSink(params.to, params.endStream ?? true);
    return withCall(params, defaultTimeout, async (call) => {
      const counter = new ByteCounter(name, params, call);
      const results: WindowResult[] = [];
      async function* parts(): AsyncGenerator<Chunks> {
        for (const [i, window] of windows.entries()) {
          const info = { index: i + 1, count: windows.length, ...window };
          const { response, result } = await fetchWindow(ctx, {
            report: name,
            window,
            info,
            format,
            params,
            call,
          });
          results.push(result);
          yield counter.count(chunksOf(response.body), info, result.rows);
        }
      }
      try {
        await sink.write(joinBodies(parts(), format, windows.length), call.signal);
      } catch (error) {
        await sink.discard();
        throw error;
      }
      const truncated = results.some((w) => w.truncated);
      const rows = results.every((w) => w.rows !== undefined)
        ? results.reduce((sum, w) => sum + (w.rows ?? 0), 0)
        : undefined;
      const done: ReportEvent = {
        event: 'done',
        report: name,
        bytes: counter.bytes,
        rows,
        truncated,
        elapsedMs: call.elapsed(),
      };
      params.onStatus?.(done);
      return { format, bytes: counter.bytes, rows, truncated, windows: results };
    });
  }

  return Object.freeze({
    endpoints,
    async token(tokenOptions: { signal?: AbortSignal } = {}) {
      if (!(auth instanceof TokenSource)) {
        throw new ValidationError(
          'a token needs client credentials (clientId and clientSecret), not an API key',
          {
            code: 'BAD_SETTING',
          },
        );
      }
      return withCall(tokenOptions, defaultTimeout, (call) => auth.fetchToken(call.signal));
    },
    report,
    download,
    analytics: <R extends AnalyticsReportName>(name: R, params: AnalyticsParams = {}) =>
      withCall(params, defaultTimeout, (call) => fetchAnalytics(ctx, name, params, call)),
  });
}

/**
 * The engagement reports (reporting-api.md §1): build the request, poll it through 202s to the
 * 200, read the result's headers, and hand the body on as chunks. `account_id` is a query
 * parameter here (the analytics family puts it in the path).
 */
import type { EngagementReportName, Format } from '../domain/reports/columns.js';
import type { Call } from './call.js';
import { engagementReportUrl, type Endpoints } from './endpoints.js';
import type { PlannedWindow } from './plan.js';
import { send, type Auth, type TransportOptions, type Wait } from './transport.js';
import type { ReportEvent, ReportParams, WindowInfo, WindowResult } from './types.js';

export interface EngagementContext {
  transport: TransportOptions;
  endpoints: Endpoints;
  auth: Auth;
  accountId: string | undefined;
}

const ACCEPT: Record<Format, string> = {
  csv: 'text/csv',
  json: 'application/json',
  ndjson: 'application/x-ndjson',
};

const DOWNLOAD_EVENT_EVERY_MS = 500;

function idList(ids: string | readonly string[] | undefined): string | undefined {
  if (ids === undefined) return undefined;
  const list = typeof ids === 'string' ? [ids] : ids;
  return list.length === 0 ? undefined : list.join(',');
}

export function reportUrl(
  ctx: EngagementContext,
  report: EngagementReportName,
  window: PlannedWindow,
  format: Format,
  params: ReportParams,
): URL {
  const url = engagementReportUrl(ctx.endpoints, report);
  // send_status=true always: Brightcove requires it, and a 202 lets us show progress and stay
  // under proxies' idle timeouts, where a held request (long-poll) could be cut.
  const query: Record<string, string | undefined> = {
    send_status: 'true',
    start: window.start,
    end: window.end,
    format,
    account_id: params.accountId ?? ctx.accountId,
    project_id: idList(params.projectIds),
    experience_id: idList(params.experienceIds),
  };
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') url.searchParams.set(name, value);
  }
  return url;
}

/** A body read chunk by chunk; cancelled (freeing the connection) if the reader stops early. */
export async function* chunksOf(
  body: ReadableStream<Uint8Array> | null,
): AsyncGenerator<Uint8Array> {
  if (body === null) return;
  const reader = body.getReader();
  let done = false;
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) {
        done = true;
        return;
      }
      yield next.value;
    }
  } finally {
    if (!done) await reader.cancel().catch(() => undefined);
  }
}

function pendingStatus(body: string): {
  state: 'queued' | 'processing';
  requestId: string | undefined;
} {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null) {
      const status: unknown = Reflect.get(parsed, 'status');
      const id: unknown = Reflect.get(parsed, 'request_id');
      return {
        state: status === 'processing' ? 'processing' : 'queued',
        requestId: typeof id === 'string' ? id : undefined,
      };
    }
  } catch {
    // Brightcove's 202 body is not documented: a wait is still a wait.
  }
  return { state: 'queued', requestId: undefined };
}

export function waitEvent(report: string, window: WindowInfo, wait: Wait, call: Call): ReportEvent {
  const elapsedMs = call.elapsed();
  if (wait.reason === 'pending') {
    const { state, requestId } = pendingStatus(wait.body);
    return {
      event: state,
      report,
      window,
      requestId,
      nextPollMs: Math.round(wait.delayMs),
      elapsedMs,
    };
  }
  return {
    event: wait.reason === 'rate_limited' ? 'rate_limited' : 'retrying',
    report,
    window,
    status: wait.status,
    message: wait.message,
    delayMs: Math.round(wait.delayMs),
    elapsedMs,
  };
}

export interface WindowBody {
  result: WindowResult;
  response: Response;
}

/** Requests one window and polls it to its 200; the body is left unread. */
export async function fetchWindow(
  ctx: EngagementContext,
  request: {
    report: EngagementReportName;
    window: PlannedWindow;
    info: WindowInfo;
    format: Format;
    params: ReportParams;
    call: Call;
  },
): Promise<WindowBody> {
  const { report, window, info, format, params, call } = request;
  const response = await send(ctx.transport, {
    url: reportUrl(ctx, report, window, format, params),
    headers: { accept: ACCEPT[format] },
    auth: ctx.auth,
    call,
    onWait: (wait) => params.onStatus?.(waitEvent(report, info, wait, call)),
  });
  const rows = response.headers.get('x-report-rows');
  return {
    response,
    result: {
      start: window.start,
      end: window.end,
      rows: rows === null || !/^\d+$/.test(rows) ? undefined : Number(rows),
      truncated: response.headers.get('x-report-truncated')?.toLowerCase() === 'true',
    },
  };
}

/** Counts the bytes of a call's bodies and reports them, at most twice a second. */
export class ByteCounter {
  bytes = 0;
  private lastEvent = 0;

  constructor(
    private readonly report: string,
    private readonly params: ReportParams,
    private readonly call: Call,
  ) {}

  async *count(chunks: AsyncIterable<Uint8Array>, window: WindowInfo, rows: number | undefined) {
    this.emit(window, rows);
    for await (const chunk of chunks) {
      this.bytes += chunk.length;
      if (Date.now() - this.lastEvent >= DOWNLOAD_EVENT_EVERY_MS) this.emit(window, rows);
      yield chunk;
    }
  }

  private emit(window: WindowInfo, rows: number | undefined): void {
    this.lastEvent = Date.now();
    this.params.onStatus?.({
      event: 'downloading',
      report: this.report,
      window,
      bytes: this.bytes,
      rows,
      elapsedMs: this.call.elapsed(),
    });
  }
}

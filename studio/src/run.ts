/**
 * Running an engagement report: the 202 protocol of reporting-api.md §1.3 (ask with
 * send_status=true, wait as long as `Retry-After` says, ask again), then the rows read as NDJSON
 * while they arrive, a few thousand at a time, yielding to the page between batches so that half
 * a million rows never freeze it.
 */
import { ApiError, retryAfterOf, type Session } from './api.js';
import type { Column } from './reports.js';

export type Cell = string | number | boolean | null | readonly string[];
export type Row = Cell[];

export type Progress =
  | { phase: 'requesting'; startedAt: number }
  | {
      phase: 'queued' | 'processing';
      startedAt: number;
      /** When the server queued the job (ISO-8601), from the 202 body. */
      queuedAt: string | undefined;
      /** Seconds until the next poll, from Retry-After. */
      retryAfter: number;
    }
  | { phase: 'reading'; startedAt: number; rows: number; total: number | undefined };

export interface RunOptions {
  signal: AbortSignal;
  onProgress: (progress: Progress) => void;
}

/** A Retry-After outside these bounds is taken as its nearest bound. */
const MIN_POLL_SECONDS = 1;
const MAX_POLL_SECONDS = 30;

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', stop);
      resolve();
    }, ms);
    const stop = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', stop, { once: true });
  });
}

/** Asks until the report is ready and answers its 200 response; any other status throws. */
export async function awaitReport(
  session: Session,
  url: string,
  { signal, onProgress }: RunOptions,
): Promise<Response> {
  const startedAt = Date.now();
  onProgress({ phase: 'requesting', startedAt });
  for (;;) {
    const response = await session.get(url, { signal });
    if (response.status === 202) {
      const body = (await response.json().catch(() => ({}))) as {
        status?: string;
        queued_at?: string;
      };
      const hint = retryAfterOf(response) ?? MIN_POLL_SECONDS;
      const retryAfter = Math.min(MAX_POLL_SECONDS, Math.max(MIN_POLL_SECONDS, hint));
      onProgress({
        phase: body.status === 'processing' ? 'processing' : 'queued',
        startedAt,
        queuedAt: body.queued_at,
        retryAfter,
      });
      await sleep(retryAfter * 1000, signal);
      continue;
    }
    if (!response.ok) throw await session.failure(response);
    return response;
  }
}

/** Work this long, then let the page paint and answer input before parsing on. */
const SLICE_MS = 12;

/** A new task, so the page can paint and handle input (setTimeout would add 4 ms each time). */
function yieldToPage(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/**
 * Reads an NDJSON body into rows (arrays in `columns` order: half the memory of objects).
 * `onRows` hears the count after each batch.
 */
export async function readNdjson(
  response: Response,
  columns: readonly Column[],
  options: { signal: AbortSignal; onRows: (rows: number) => void },
): Promise<Row[]> {
  const rows: Row[] = [];
  if (!response.body) return rows;
  const keys = columns.map((c) => c.key);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const cancel = () => void reader.cancel().catch(() => undefined);
  options.signal.addEventListener('abort', cancel, { once: true });
  let buffer = '';
  let sliceStart = performance.now();
  const take = (line: string) => {
    if (line.trim() === '') return;
    const item = JSON.parse(line) as Record<string, Cell>;
    const row: Row = new Array<Cell>(keys.length);
    for (let i = 0; i < keys.length; i++) row[i] = item[keys[i]!] ?? null;
    rows.push(row);
  };
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let from = 0;
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n', from)) {
        take(buffer.slice(from, nl));
        from = nl + 1;
        // A large chunk is parsed in slices too.
        if ((rows.length & 511) === 0 && performance.now() - sliceStart > SLICE_MS) {
          options.onRows(rows.length);
          await yieldToPage();
          sliceStart = performance.now();
        }
      }
      buffer = buffer.slice(from);
    }
    take(buffer);
  } catch (error) {
    if (options.signal.aborted) throw options.signal.reason;
    if (error instanceof SyntaxError) {
      throw new ApiError('server', 'The report could not be read: the server sent broken rows.');
    }
    throw new ApiError('network', 'The connection broke while the report was downloading.');
  } finally {
    options.signal.removeEventListener('abort', cancel);
  }
  options.onRows(rows.length);
  return rows;
}

/** Number of rows the server says the result holds (X-Report-Rows), if it says. */
export function reportRows(response: Response): number | undefined {
  const value = Number(response.headers.get('X-Report-Rows') ?? Number.NaN);
  return Number.isInteger(value) ? value : undefined;
}

/** The file name of a CSV download from its Content-Disposition, else a fallback. */
export function fileNameOf(response: Response, fallback: string): string {
  const header = response.headers.get('Content-Disposition') ?? '';
  return /filename="([^"]+)"/.exec(header)?.[1] ?? fallback;
}

/** Hands a Blob to the browser as a download. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** What a report is doing (queued, processing, downloading) and what went wrong, in words. */
import { useMemo } from 'preact/hooks';
import type { ApiError } from '../api.js';
import { clockTime, formatInteger } from '../format.js';
import { useNow } from '../hooks.js';
import type { Progress } from '../run.js';

const elapsed = (ms: number) => {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

export function RunStatus({ progress }: { progress: Progress | undefined }) {
  const now = useNow(true);
  const since = progress ? elapsed(now - progress.startedAt) : '0:00';
  let text: string;
  let detail = '';
  switch (progress?.phase) {
    case undefined:
    case 'requesting':
      text = 'Asking the server for the report…';
      break;
    case 'queued':
      text = 'Queued: the report waits for a worker.';
      detail = progress.queuedAt ? `Queued at ${clockTime(Date.parse(progress.queuedAt))}. ` : '';
      detail += `Checking again every ${progress.retryAfter} s, as the server asks.`;
      break;
    case 'processing':
      text = 'Processing: the server is building the report.';
      detail = `Checking again every ${progress.retryAfter} s, as the server asks.`;
      break;
    case 'reading':
      text =
        progress.total !== undefined
          ? `Reading rows: ${formatInteger(progress.rows)} of ${formatInteger(progress.total)}.`
          : `Reading rows: ${formatInteger(progress.rows)}.`;
      break;
  }
  return (
    <div class="run-status" role="status" data-phase={progress?.phase ?? 'requesting'}>
      <span class="spinner" aria-hidden="true" />
      <div>
        <p>
          <strong>{text}</strong> <span class="elapsed">Elapsed {since}</span>
        </p>
        {detail ? <p class="detail">{detail}</p> : null}
        {progress?.phase === 'reading' && progress.total ? (
          <progress max={progress.total} value={progress.rows} aria-label="Rows read" />
        ) : null}
      </div>
    </div>
  );
}

/** A failure in words, with a way out: retry now, or when the server says it will accept. */
export function ErrorNotice({ error, onRetry }: { error: ApiError; onRetry?: () => void }) {
  // Counted from when the answer came, which is when this notice first renders.
  const retryAt = useRetryAt(error);
  const now = useNow(retryAt !== undefined);
  const wait = retryAt !== undefined ? Math.max(0, Math.ceil((retryAt - now) / 1000)) : 0;
  let title: string;
  let advice = '';
  switch (error.kind) {
    case 'rate-limited':
      title = 'Too many new reports for this account right now.';
      advice =
        retryAt !== undefined
          ? wait > 0
            ? `Try again at ${clockTime(retryAt)} (in ${wait} s). Reports already built open at once.`
            : 'You can try again now.'
          : 'Try again in a minute.';
      break;
    case 'bad-request':
      title = 'The server refused this request.';
      advice = 'Change the settings above and apply them.';
      break;
    case 'forbidden':
      title = 'This credential may not read this.';
      advice = 'Sign in with a credential that has this account and a reporting scope.';
      break;
    case 'not-found':
      title = 'Not found.';
      break;
    case 'unavailable':
      title = 'The server is busy or restarting.';
      advice = 'Try again in a moment.';
      break;
    case 'network':
      title = 'No connection to the server.';
      advice = 'Check the connection, then try again.';
      break;
    default:
      title = 'The server could not build this report.';
      advice =
        'Try again in a minute; if it keeps failing, tell your administrator the request ID.';
  }
  return (
    <div class="notice notice-error" role="alert" data-error={error.kind}>
      <p>
        <strong>{title}</strong>
      </p>
      <p class="server-message">{error.message}</p>
      {advice ? <p>{advice}</p> : null}
      {onRetry && error.kind !== 'bad-request' && error.kind !== 'forbidden' ? (
        <button type="button" onClick={onRetry} disabled={wait > 0}>
          {wait > 0 ? `Try again in ${wait} s` : 'Try again'}
        </button>
      ) : null}
    </div>
  );
}

function useRetryAt(error: ApiError): number | undefined {
  return useMemo(
    () => (error.retryAfter !== undefined ? Date.now() + error.retryAfter * 1000 : undefined),
    [error],
  );
}

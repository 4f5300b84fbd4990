/** Pieces every report view shares: the empty-range notice and the download button. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, isAbort } from '../api.js';
import { useStudio } from '../hooks.js';
import type { Query } from '../query.js';
import { saveBlob, type Progress } from '../run.js';
import { ErrorNotice, RunStatus } from './Status.js';

export function EmptyNotice({ query, what = 'data' }: { query: Query; what?: string }) {
  const filtered = query.projectIds.length + query.experienceIds.length > 0;
  return (
    <div class="notice notice-empty" role="status" data-empty="true">
      <p>
        <strong>
          No {what} from {query.start} to {query.end}
          {filtered ? ' for these filters' : ''}.
        </strong>
      </p>
      <p>
        Nothing was recorded in this range. Choose a longer range
        {filtered ? ' or fewer filters' : ''}, then apply.
      </p>
    </div>
  );
}

/** A button that fetches a download, showing the report's state meanwhile; leaving cancels it. */
export function DownloadButton(props: {
  label: string;
  fetchFile: (
    signal: AbortSignal,
    onProgress: (p: Progress) => void,
  ) => Promise<{ blob: Blob; name: string }>;
}) {
  const { signOut } = useStudio();
  const [busy, setBusy] = useState<Progress | 'starting' | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  const running = useRef<AbortController | undefined>(undefined);
  useEffect(() => () => running.current?.abort(), []);
  const start = async () => {
    setError(undefined);
    setBusy('starting');
    const controller = new AbortController();
    running.current = controller;
    try {
      const { blob, name } = await props.fetchFile(controller.signal, setBusy);
      saveBlob(blob, name);
    } catch (e) {
      if (isAbort(e) || controller.signal.aborted) return;
      if (e instanceof ApiError && e.kind === 'signed-out') return signOut(e.message);
      setError(e instanceof ApiError ? e : new ApiError('server', String(e)));
    } finally {
      if (!controller.signal.aborted) setBusy(undefined);
    }
  };
  return (
    <div class="download">
      <button type="button" class="primary" onClick={start} disabled={busy !== undefined}>
        {busy ? 'Preparing…' : props.label}
      </button>
      {busy && busy !== 'starting' && busy.phase !== 'requesting' ? (
        <RunStatus progress={busy} />
      ) : null}
      {error ? <ErrorNotice error={error} onRetry={start} /> : null}
    </div>
  );
}

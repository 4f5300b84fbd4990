/** Small hooks: running a request with its progress, cancelled when what it asked for changes. */
import { useContext, useEffect, useState } from 'preact/hooks';
import { createContext } from 'preact';
import { ApiError, isAbort, type Session } from './api.js';
import type { Progress } from './run.js';

export interface StudioContext {
  session: Session;
  /** The session ended (a refused credential): back to the sign-in form with this message. */
  signOut: (message?: string) => void;
}

export const Studio = createContext<StudioContext | undefined>(undefined);

export function useStudio(): StudioContext {
  const context = useContext(Studio);
  if (!context) throw new Error('useStudio outside <Studio.Provider>');
  return context;
}

export type RunState<T> =
  | { state: 'running'; progress: Progress | undefined }
  | { state: 'done'; value: T }
  | { state: 'error'; error: ApiError };

export type Task<T> = (signal: AbortSignal, onProgress: (p: Progress) => void) => Promise<T>;

/**
 * Runs `task` whenever `deps` change (or `retry()` is called), aborting the previous run. A
 * refused credential signs out; any other failure becomes the `error` state, never a throw.
 */
export function useRun<T>(task: Task<T>, deps: unknown[]): RunState<T> & { retry: () => void } {
  const { signOut } = useStudio();
  const [attempt, setAttempt] = useState(0);
  const [run, setRun] = useState<RunState<T>>({ state: 'running', progress: undefined });
  useEffect(() => {
    const controller = new AbortController();
    setRun({ state: 'running', progress: undefined });
    task(controller.signal, (progress) => {
      if (!controller.signal.aborted) setRun({ state: 'running', progress });
    }).then(
      (value) => {
        if (!controller.signal.aborted) setRun({ state: 'done', value });
      },
      (error: unknown) => {
        if (controller.signal.aborted || isAbort(error)) return;
        if (error instanceof ApiError && error.kind === 'signed-out') {
          signOut(error.message);
          return;
        }
        const failure =
          error instanceof ApiError
            ? error
            : new ApiError('server', `Something went wrong in the page: ${String(error)}`);
        setRun({ state: 'error', error: failure });
      },
    );
    return () => controller.abort();
    // The caller's deps decide when to run again.
  }, [...deps, attempt]);
  return { ...run, retry: () => setAttempt((n) => n + 1) };
}

/** The current time, updated every `ms` while `active`: for elapsed times and countdowns. */
export function useNow(active: boolean, ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [active, ms]);
  return now;
}

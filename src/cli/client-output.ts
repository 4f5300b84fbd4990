/**
 * What the client commands write besides the data: errors (with the server's message) and their
 * exit codes (details.md §2), warnings, and status — a progress line redrawn on a terminal, NDJSON
 * events with `--json`, nothing in a pipe.
 */
import type { Command, CommanderError } from 'commander';
import {
  AbortError,
  AuthError,
  CuepointError,
  RateLimitError,
  ServerError,
  TimeoutError,
  ValidationError,
  type ReportEvent,
} from '../client/index.js';

/** details.md §2. */
export const EXIT = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  auth: 3,
  rateLimit: 4,
  timeout: 5,
  server: 6,
} as const;

export function exitCodeFor(error: unknown): number {
  if (error instanceof ValidationError) return EXIT.usage;
  if (error instanceof AuthError) return EXIT.auth;
  if (error instanceof RateLimitError) return EXIT.rateLimit;
  if (error instanceof TimeoutError || error instanceof AbortError) return EXIT.timeout;
  if (error instanceof ServerError) return EXIT.server;
  return EXIT.unexpected;
}

export interface ErrorOutput {
  write(text: string): unknown;
}

/** Writes the error to stderr (`cuepoint: …`, or one JSON line) and returns its exit code. */
export function writeError(
  error: unknown,
  json: boolean,
  stderr: ErrorOutput = process.stderr,
): number {
  const message = error instanceof Error ? error.message : String(error);
  if (json) {
    const code = error instanceof CuepointError ? error.code : 'UNEXPECTED';
    const status = error instanceof CuepointError ? error.status : undefined;
    stderr.write(
      JSON.stringify({ error: { code, message, ...(status === undefined ? {} : { status }) } }) +
        '\n',
    );
  } else {
    const http =
      error instanceof CuepointError && error.status !== undefined
        ? ` (HTTP ${error.status} ${error.code})`
        : '';
    stderr.write(`cuepoint: ${message}${http}\n`);
  }
  return exitCodeFor(error);
}

/**
 * Commander's own usage errors (unknown option, missing argument) as our usage errors: the same
 * form as the others and exit code 2; help and version exit 0.
 */
export function usageErrors(command: Command, json: () => boolean): Command {
  command.configureOutput({ outputError: () => undefined });
  return command.exitOverride((error: CommanderError) => {
    if (
      error.code === 'commander.helpDisplayed' ||
      error.code === 'commander.version' ||
      error.code === 'commander.help'
    ) {
      process.exit(EXIT.ok);
    }
    writeError(
      new ValidationError(error.message.replace(/^error: /, ''), { code: 'USAGE' }),
      json(),
    );
    process.exit(EXIT.usage);
  });
}

export interface StatusOutput extends ErrorOutput {
  isTTY?: boolean;
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The progress line for a status event, without the elapsed time. */
export function describeEvent(event: ReportEvent): string {
  const window =
    'window' in event && event.window.count > 1
      ? ` [window ${event.window.index}/${event.window.count} ${event.window.start}…${event.window.end}]`
      : '';
  switch (event.event) {
    case 'queued':
    case 'processing':
      return `${event.report}${window}: ${event.event}`;
    case 'rate_limited':
      return `${event.report}${window}: rate limited, retrying in ${seconds(event.delayMs)}`;
    case 'retrying':
      return `${event.report}${window}: ${event.message}; retrying in ${seconds(event.delayMs)}`;
    case 'downloading':
      return `${event.report}${window}: downloading · ${size(event.bytes)}`;
    case 'done':
      return `${event.report}: done · ${size(event.bytes)}${event.rows === undefined ? '' : ` · ${event.rows} rows`}`;
  }
}

/** A single line on a terminal, redrawn as events come and as time passes. */
export class ProgressLine {
  private line = '';
  private readonly started = Date.now();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly out: StatusOutput) {
    this.timer = setInterval(() => this.draw(), 250);
    this.timer.unref();
  }

  update(event: ReportEvent): void {
    this.line = describeEvent(event);
    this.draw();
  }

  /** Clears the line (the data or the error follows on a clean line). */
  stop(): void {
    clearInterval(this.timer);
    if (this.line !== '') this.out.write('\r\x1b[K');
  }

  private draw(): void {
    if (this.line === '') return;
    this.out.write(`\r\x1b[K${this.line} · ${seconds(Date.now() - this.started)}`);
  }
}

export interface StatusReporter {
  onStatus: (event: ReportEvent) => void;
  warn(message: string): void;
  stop(): void;
}

/**
 * `--json`: every event as one JSON line; a terminal: the progress line; a pipe: nothing.
 * Warnings are written in every case (as JSON with `--json`): a truncated result must not pass
 * unnoticed.
 */
export function statusReporter(json: boolean, out: StatusOutput = process.stderr): StatusReporter {
  if (json) {
    return {
      onStatus: (event) => out.write(JSON.stringify(event) + '\n'),
      warn: (message) => out.write(JSON.stringify({ event: 'warning', message }) + '\n'),
      stop: () => undefined,
    };
  }
  const progress = out.isTTY === true ? new ProgressLine(out) : undefined;
  return {
    onStatus: (event) => progress?.update(event),
    warn: (message) => {
      progress?.stop();
      out.write(`cuepoint: warning: ${message}\n`);
    },
    stop: () => progress?.stop(),
  };
}

/** Aborts the returned signal on Ctrl-C or SIGTERM (the command then exits 5, leaving no file). */
export function interruptSignal(): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  const abort = () => controller.abort();
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  return {
    signal: controller.signal,
    release() {
      process.off('SIGINT', abort);
      process.off('SIGTERM', abort);
    },
  };
}

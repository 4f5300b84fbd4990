/**
 * The SDK's public types. Row types derive from the same constant data the server builds its
 * reports from (src/domain/reports/columns.ts), so a column renamed there is a compile error here.
 */
import type {
  ColumnKind,
  ENGAGEMENT_REPORTS,
  EngagementReportName,
  Format,
} from '../domain/reports/columns.js';
import type {
  AnsweredQuestion,
  GradebookSummary,
  UserAnswers,
} from '../domain/reports/analytics/gradebook.js';
import type { QuestionSummary, QuizActions } from '../domain/reports/analytics/quiz.js';
import type { CallOptions } from './call.js';

/** A column's value in a JSON row: `list` is an array, timestamps are ISO-8601 strings. */
export type ColumnValue<K extends ColumnKind> = K extends 'text' | 'timestamp'
  ? string
  : K extends 'list'
    ? string[]
    : number;

/**
 * One row of a report, keyed by column. Every column may be `null` ("rows with no value for a
 * column carry JSON null", reporting-api.md §1.2): a stream row of a player action has no
 * `annotation_id`, an anonymous viewer no `user_id`.
 */
export type ReportRow<R extends EngagementReportName> = {
  -readonly [C in (typeof ENGAGEMENT_REPORTS)[R][number] as C[0]]: ColumnValue<C[1]> | null;
};

export type { EngagementReportName, Format };

/** Where a windowed call is: the 1-based index among `count` windows and its days. */
export interface WindowInfo {
  index: number;
  count: number;
  start: string | undefined;
  end: string | undefined;
}

/**
 * What a report call is doing, for progress displays and machine-readable status. `elapsedMs`
 * counts from the start of the call.
 */
export type ReportEvent =
  | {
      event: 'queued' | 'processing';
      report: string;
      window: WindowInfo;
      requestId: string | undefined;
      /** Milliseconds until the next poll. */
      nextPollMs: number;
      elapsedMs: number;
    }
  | {
      event: 'rate_limited' | 'retrying';
      report: string;
      window: WindowInfo;
      /** The HTTP status that is being waited out; absent for a connection failure. */
      status: number | undefined;
      message: string;
      delayMs: number;
      elapsedMs: number;
    }
  | {
      event: 'downloading';
      report: string;
      window: WindowInfo;
      /** Bytes received so far in this call (all windows), after content decoding. */
      bytes: number;
      /** `X-Report-Rows` of this window, when the server sent it. */
      rows: number | undefined;
      elapsedMs: number;
    }
  | {
      event: 'done';
      report: string;
      bytes: number;
      rows: number | undefined;
      truncated: boolean;
      elapsedMs: number;
    };

export interface ReportParams extends CallOptions {
  /** First day, `YYYY-MM-DD`, inclusive. Server default: `end` minus 7 days. */
  start?: string;
  /** Last day, `YYYY-MM-DD`, inclusive. Server default: today (UTC). */
  end?: string;
  /** The account; defaults to the client's `accountId`, else the server picks the credential's only one. */
  accountId?: string;
  projectIds?: string | readonly string[];
  experienceIds?: string | readonly string[];
  /** Called on each change of state (queued → processing → downloading → done). */
  onStatus?: (event: ReportEvent) => void;
}

/** How one window's result came back. */
export interface WindowResult {
  start: string | undefined;
  end: string | undefined;
  /** `X-Report-Rows`, when sent. */
  rows: number | undefined;
  truncated: boolean;
}

export interface ReportResult<R extends EngagementReportName> {
  rows: ReportRow<R>[];
  /** True when any window was cut at the server's row cap (`X-Report-Truncated`). */
  truncated: boolean;
  windows: WindowResult[];
}

export interface DownloadParams extends ReportParams {
  format?: Format;
  /**
   * A file path (written to a temporary file beside it, renamed when complete, removed on
   * failure) or a writable stream.
   */
  to: string | NodeJS.WritableStream;
  /** For a stream: end it when done (default true; false to write more after it). */
  endStream?: boolean;
}

export interface DownloadResult {
  format: Format;
  bytes: number;
  /** Sum of the windows' `X-Report-Rows`, when every window sent it. */
  rows: number | undefined;
  truncated: boolean;
  windows: WindowResult[];
}

/** The four analytics reports under the names the CLI uses. */
export interface AnalyticsResults {
  'gradebook/summary': GradebookSummary;
  'gradebook/users/answers': UserAnswers[];
  'quiz/actions': QuizActions[];
  'quiz/project/summary': QuestionSummary[];
}

export interface AnalyticsParams extends CallOptions {
  accountId?: string;
  projectId?: string;
  /** `YYYY-MM-DD` or an RFC 3339 date-time (`start_time`). */
  startTime?: string;
  /** `YYYY-MM-DD` (the whole day) or an RFC 3339 date-time (`end_time`). */
  endTime?: string;
  /** gradebook/users/answers only. */
  userId?: string;
  /** gradebook/users/answers only: adds the catalog's answers and submission counts. */
  showDetails?: boolean;
}

export interface AnalyticsResult<T> {
  result: T;
  truncated: boolean;
}

export type { AnsweredQuestion, GradebookSummary, QuestionSummary, QuizActions, UserAnswers };

/** The token endpoint's answer (auth.md §2). */
export interface AccessToken {
  access_token: string;
  token_type: string;
  expires_in: number;
}

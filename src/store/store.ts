/**
 * The one storage interface. Callers (services, CLI) talk to storage only through it and never
 * learn which engine sits behind it. It is shaped by operations, composed of small parts; each
 * backend (`duckdb/`, `postgres/`) implements every part in a file of the same name.
 */
import type { Annotation, Experience, Project } from '../domain/catalog-types.js';
import type { NewEvent } from '../domain/events/stored-event.js';
import type { Readable } from 'node:stream';
import type { ColumnKind, Format } from '../domain/reports/columns.js';
import type { ReportScope, SqlDialect } from '../domain/reports/definition.js';
import type { Scope } from '../domain/scopes.js';

export interface RateLimits {
  minute: number;
  hour: number;
  day: number;
}

export interface Account {
  account_id: string;
  name: string;
  limits: RateLimits;
  created_at: string;
}

export interface AccountStore {
  /** Fails with CONFLICT when the ID exists. */
  create(account: Omit<Account, 'created_at'>): Promise<Account>;
  /** Returns null when there is no such account. */
  update(id: string, patch: Partial<Pick<Account, 'name' | 'limits'>>): Promise<Account | null>;
  get(id: string): Promise<Account | null>;
  list(): Promise<Account[]>;
}

export interface ClientCredential {
  client_id: string;
  /** Salted slow hash of the secret (`auth/hashing.ts` format); never the secret. */
  secret_hash: string;
  accounts: string[];
  scopes: Scope[];
  revoked: boolean;
  created_at: string;
}

export const KEY_TYPES = ['write', 'reporting'] as const;
export type KeyType = (typeof KEY_TYPES)[number];

export interface ApiKey {
  key_id: string;
  /** Salted slow hash of the key's secret part. */
  key_hash: string;
  type: KeyType;
  account_id: string;
  /** Allowed browser origins (write keys); empty means any. */
  origins: string[];
  revoked: boolean;
  created_at: string;
}

export interface CredentialStore {
  createClient(
    credential: Omit<ClientCredential, 'revoked' | 'created_at'>,
  ): Promise<ClientCredential>;
  getClient(clientId: string): Promise<ClientCredential | null>;
  listClients(accountId?: string): Promise<ClientCredential[]>;
  /** Returns false when there is no such client. */
  revokeClient(clientId: string): Promise<boolean>;
  createKey(key: Omit<ApiKey, 'revoked' | 'created_at'>): Promise<ApiKey>;
  getKey(keyId: string): Promise<ApiKey | null>;
  listKeys(accountId?: string): Promise<ApiKey[]>;
  revokeKey(keyId: string): Promise<boolean>;
}

export interface AppendResult {
  /** Indexes (into the appended array) of events dropped as duplicates of a stored `event_key`. */
  duplicates: number[];
}

export interface EventStore {
  /**
   * Appends events durably (fsync'd) in one transaction, dropping those whose `event_key` is
   * already stored for their account or repeats earlier in the same call. Resolves only once the
   * kept events are on disk.
   */
  append(events: readonly NewEvent[]): Promise<AppendResult>;
  /**
   * How many appends may run at once: 1 where writes go one after another anyway (DuckDB's one
   * writer); more where the database executes one while the next is sent (PostgreSQL).
   */
  readonly appendsAtOnce: number;
  /** Number of stored events of an account (tests, benchmarks, admin). */
  count(accountId: string): Promise<number>;
}

/**
 * The report rollups (src/domain/reports/rollups.ts). Appending events folds them into the
 * rollups in the same transaction, and a catalog write that changes an annotation's type re-folds
 * the sessions whose events name it, so the rollups are always exact; what is left to do is to
 * merge the partials each commit appends, which only keeps them small.
 */
export interface RollupStore {
  /**
   * Merges the partials of the (account, day) pairs this process appended to since the last call
   * into one row per key. Changes no report. Resolves to the number of rows merged away.
   */
  compact(): Promise<number>;
}

/** Which live catalog objects a list or count covers. */
export interface ListFilter {
  /** Case-insensitive substring of the title. */
  title?: string | undefined;
  /** Objects carrying any (`tagMatch: 'any'`) or all of these tags; ignored for annotations. */
  tags?: string[] | undefined;
  tagMatch: 'any' | 'all';
}

/** One page of a list, ties broken by ID in the same direction. */
export interface ListQuery extends ListFilter {
  /** From 1; a page past the end is empty. */
  page: number;
  pageSize: number;
  sortBy: 'updated_at' | 'created_at' | 'title';
  order: 'asc' | 'desc';
}

/**
 * Computes the next version of a stored object from the current one. Runs atomically with respect
 * to other writes (read, change and write happen as one), so concurrent PATCHes do not lose
 * updates; it may throw to refuse the change, and then nothing is written.
 */
export type Change<T> = (current: T) => T;

export interface AnnotationKey {
  accountId: string;
  projectId: string;
  id: string;
}

/**
 * Projects, annotations and experiences of the catalog. Deletion is soft: a deleted object is
 * invisible here but its row stays for the reports (catalog.md). Deleting a project deletes its
 * annotations with it, so a live annotation always belongs to a live project. Creating with the
 * ID of a deleted object replaces it.
 */
export interface CatalogStore {
  /** CONFLICT when a live project has this ID in the account. */
  createProject(project: Project): Promise<Project>;
  getProject(accountId: string, id: string): Promise<Project | null>;
  listProjects(accountId: string, query: ListQuery): Promise<Project[]>;
  countProjects(accountId: string, filter: ListFilter): Promise<number>;
  /** Null when there is no live project with this ID. */
  updateProject(accountId: string, id: string, change: Change<Project>): Promise<Project | null>;
  deleteProject(accountId: string, id: string): Promise<boolean>;

  /**
   * CONFLICT when a live annotation has this ID anywhere in the account (IDs are unique per
   * account); RESOURCE_NOT_FOUND when its project is not a live project of the account.
   */
  createAnnotation(annotation: Annotation): Promise<Annotation>;
  getAnnotation(accountId: string, projectId: string, id: string): Promise<Annotation | null>;
  /** One page when `query` is given (tags ignored), else every annotation by creation. */
  listAnnotations(accountId: string, projectId: string, query?: ListQuery): Promise<Annotation[]>;
  updateAnnotation(key: AnnotationKey, change: Change<Annotation>): Promise<Annotation | null>;
  deleteAnnotation(accountId: string, projectId: string, id: string): Promise<boolean>;

  /** CONFLICT when a live experience has this ID in the account. */
  createExperience(experience: Experience): Promise<Experience>;
  getExperience(accountId: string, id: string): Promise<Experience | null>;
  listExperiences(accountId: string, query: ListQuery): Promise<Experience[]>;
  countExperiences(accountId: string, filter: ListFilter): Promise<number>;
  updateExperience(
    accountId: string,
    id: string,
    change: Change<Experience>,
  ): Promise<Experience | null>;
  deleteExperience(accountId: string, id: string): Promise<boolean>;
}

export interface CounterStore {
  /**
   * Records one hit for `key` and returns how many hits it has had in the last `windowMs`
   * (this one included). Used for brute-force refusal.
   */
  hit(key: string, windowMs: number): Promise<number>;
  /** Hits of `key` within the last `windowMs`, without recording one. */
  count(key: string, windowMs: number): Promise<number>;
}

export interface SecretStore {
  /**
   * The token signing secret: generated once and kept (in the data directory for the embedded
   * store, in the database for server mode), so that every node signs and verifies alike.
   */
  signingSecret(): Promise<Uint8Array>;
}

export interface QueryStore {
  /**
   * Runs one read-only SELECT (written in the dialect both engines share) and returns its rows as
   * plain objects: numbers as numbers, timestamps as Date, lists as arrays. Interrupted with
   * AppError UNAVAILABLE after `timeoutMs`. For synchronous reports (the analytics family).
   */
  select(sql: string, timeoutMs: number): Promise<Record<string, unknown>[]>;
}

export const JOB_STATES = ['queued', 'running', 'done', 'failed', 'expired'] as const;
export type JobState = (typeof JOB_STATES)[number];

export interface Job {
  id: string;
  /** reportIdentity(): equal for requests that must share one job. */
  identity: string;
  account_id: string;
  report: string;
  scope: ReportScope;
  state: JobState;
  /** Whether the job counts toward the account's new-report limits. */
  counted: boolean;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  /** Until when a done result is served, or a failure is repeated. */
  expires_at: Date | null;
  rows: number | null;
  truncated: boolean;
  error: string | null;
  /** How many times a worker has claimed it: the claim a running job is held by. */
  attempt: number;
}

/**
 * A worker's hold on a running job. Renewing, finishing and failing act only while the claim is
 * still the job's current one, so a worker that lost its lease (and whose job another worker now
 * runs) changes nothing.
 */
export type Claim = Pick<Job, 'id' | 'attempt'>;

export type NewJob = Pick<Job, 'id' | 'identity' | 'account_id' | 'report' | 'scope' | 'counted'>;

export type OpenJobResult =
  | { job: Job; created: false }
  | { job: Job; created: true }
  /** Refused by the rate limits: nothing was queued. */
  | { refused: true; retryAfter: number };

export interface JobStore {
  /**
   * Atomically: returns the live job of `job.identity` (queued, running, done and unexpired, or
   * failed and still within its error window), or — when there is none — checks the account's
   * limits (when the job counts) and creates it queued. Identical requests arriving at the same
   * instant get the same job.
   */
  open(job: NewJob, limits: RateLimits, now: Date): Promise<OpenJobResult>;
  get(id: string): Promise<Job | null>;
  /**
   * Takes the next queued job (fairly across accounts), marks it running under a new claim and
   * holds it for `leaseMs`; null when none. Workers on any number of nodes never take one job
   * twice.
   */
  claim(now: Date, leaseMs: number): Promise<Job | null>;
  /** Extends the claim's lease to `now + leaseMs`; false when the claim is no longer held. */
  renew(claim: Claim, now: Date, leaseMs: number): Promise<boolean>;
  /** Marks the job done under its claim; false (and nothing written) when the claim was lost. */
  finish(
    claim: Claim,
    result: { rows: number; truncated: boolean; expiresAt: Date },
    now: Date,
  ): Promise<boolean>;
  /**
   * A failed job answers its error until `expiresAt`; it no longer counts toward the limits.
   * False (and nothing written) when the claim was lost.
   */
  fail(claim: Claim, error: string, expiresAt: Date, now: Date): Promise<boolean>;
  /** Gives a running job back to the queue at once (a worker that stops); false when not held. */
  release(claim: Claim): Promise<boolean>;
  /**
   * At start: jobs that no live worker can be holding go back to the queue — every running job
   * of the embedded store (one process owns it), the running jobs whose lease ran out in server
   * mode (other nodes' jobs are theirs). Returns how many.
   */
  requeueRunning(now: Date): Promise<number>;
  /** The sweeper: running jobs whose lease ran out (their worker died) go back to the queue. */
  requeueExpired(now: Date): Promise<number>;
  /** Number of jobs queued before `job` (for Retry-After hints). */
  queuedAhead(job: Job): Promise<number>;
  /** Marks done jobs past their lifetime expired and returns their IDs (their results can go). */
  expire(now: Date): Promise<string[]>;
  /**
   * Tells `listener` of jobs queued and settled (done or failed) by any process, as they commit,
   * so that idle workers and long-polls elsewhere need not wait for their next look. Best effort:
   * a change may go untold (a dropped connection), so callers keep looking now and then. The
   * embedded store has one process and tells nothing. Resolves with a function that stops it.
   */
  watch(listener: (change: JobChange) => void): Promise<() => Promise<void>>;
}

export interface JobChange {
  jobId: string;
  state: 'queued' | 'settled';
}

export interface ResultColumn {
  name: string;
  kind: ColumnKind;
}

export interface ResultStore {
  /**
   * Runs a report's SQL (built by `sql` in the store's own dialect) and stores its first `cap + 1`
   * rows, formatted by column kind, as the job's result, once: a second call for the same job
   * stores nothing more. Returns the row count (at most cap + 1: more than cap means truncated).
   * `postgresSettings`: the report's `SET LOCAL` statements for PostgreSQL (`ReportDefinition`).
   * `sql(dialect, limit)` with `limit` (cap + 1) is the text that may read only what the first rows
   * need (`ReportDefinition.sql`); a store uses it where its engine gains by it.
   */
  materialize(
    jobId: string,
    sql: (dialect: SqlDialect, limit?: number) => string,
    columns: readonly ResultColumn[],
    cap: number,
    postgresSettings?: string,
  ): Promise<number>;
  /** The stored result encoded in `format`, first `cap` rows, as a byte stream and its length. */
  open(
    jobId: string,
    format: Format,
    columns: readonly ResultColumn[],
    cap: number,
  ): Promise<{ stream: Readable; bytes: number }>;
  remove(jobId: string): Promise<void>;
}

export interface Store {
  readonly jobs: JobStore;
  readonly results: ResultStore;
  readonly accounts: AccountStore;
  readonly query: QueryStore;
  readonly credentials: CredentialStore;
  readonly events: EventStore;
  readonly rollups: RollupStore;
  readonly catalog: CatalogStore;
  readonly counters: CounterStore;
  readonly secrets: SecretStore;
  /** Idempotent: the second call is a no-op. */
  close(): Promise<void>;
}

/**
 * The PostgreSQL pool and its connections. Cross-cutting rules live here once:
 * - every session runs in UTC with ISO dates, and TIMESTAMP values come back as UTC Dates, so no
 *   node's time zone ever reaches a stored or printed time;
 * - transactions go through `transaction()`, which commits or rolls back and returns the client;
 * - `close()` cancels this store's queries still running (a report that would outlive the
 *   process) before ending the pool, and is idempotent.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { TypeOverrides, type PoolClient } from 'pg';

export interface PgDbOptions {
  /** `postgres://…` */
  url: string;
  /** Connections this process holds at most. */
  poolSize: number;
}

export type Row = Record<string, unknown>;

/** A value `pg` sends as a parameter: arrays become PostgreSQL arrays. */
export type Param =
  | string
  | number
  | bigint
  | boolean
  | null
  | Buffer
  | readonly (string | number | bigint | boolean | null)[];

/**
 * A statement each connection plans once, under `name`, and then runs again and again: for a hot
 * statement whose planning costs more than running it on small inputs (the append of a few events
 * with its rollup folds). `text` must not change for a given name.
 */
export interface Prepared {
  name: string;
  text: string;
}

/** What a transaction's work is given: queries on the transaction's own connection. */
export interface Tx {
  all(sql: string | Prepared, params?: readonly Param[]): Promise<Row[]>;
  one(sql: string, params?: readonly Param[]): Promise<Row | null>;
  run(sql: string, params?: readonly Param[]): Promise<number>;
}

const TIMESTAMP_OID = 1114;

/** TIMESTAMP text (`2024-03-01 10:00:05.25`) is UTC here; the default parser would read local time. */
function parseTimestamp(text: string): Date {
  return new Date(`${text.replace(' ', 'T')}Z`);
}

/**
 * TIMESTAMP text (UTC, no zone) for a Date. Times are passed as text rather than Dates because
 * `pg` would print a Date in the process's own time zone.
 */
export function tsParam(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/**
 * Settings for a report query, within its transaction. Report SQL is scans, aggregates and
 * joins of their results: hash joins suit every join in it, while the nested loops a planner
 * picks on a misestimate (a table loaded since its statistics were gathered, as in every test and
 * in a new installation's first minutes) re-run an aggregate once per row — 34 s instead of 34 ms
 * for a 12,000-event stream report. No JIT: a disabled plan node's cost passes every JIT
 * threshold, and compiling the printing expressions of a report took 1.5 s on its own. And the
 * random-read cost of solid-state storage: with the default (4, spinning disks) the planner scans
 * the whole events table for a 7-day report rather than the account's range of the
 * (account_id, ts) index — 3.3 s instead of 1.4 s at 10 million events, and every other
 * account's rows read. Summaries aggregate the rollups' ~one row per session: more `work_mem` keeps
 * more of those aggregates in memory, and cheaper parallel workers let the planner sort and scan
 * the rollups on both cores — a small gain, measured as the job's CREATE TABLE AS at 10 million
 * events: project summary 2.2–2.3 s → 2.0–2.2 s, user summary 2.7–3.0 s → 2.5–2.7 s.
 */
export const REPORT_SETTINGS = [
  'SET LOCAL enable_nestloop = off',
  'SET LOCAL jit = off',
  'SET LOCAL random_page_cost = 1.1',
  "SET LOCAL work_mem = '32MB'",
  'SET LOCAL parallel_setup_cost = 100',
  'SET LOCAL parallel_tuple_cost = 0.001',
].join('; ');

/** SQLSTATE of a statement cancelled by statement_timeout or a cancel request. */
export const QUERY_CANCELED = '57014';

/** The SQLSTATE of a PostgreSQL error, if it is one. */
export function sqlState(error: unknown): string | undefined {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return undefined;
}

/**
 * PostgreSQL text cannot hold U+0000 (DuckDB's can): it is kept as U+FFFD, the replacement
 * character, in every string this store sends, so that one viewer's odd event cannot fail the
 * group commit it shares with other requests. Lookups are mapped alike, so they still find it.
 */
export function storableText(text: string): string {
  return text.includes('\0') ? text.replaceAll('\0', '\uFFFD') : text;
}

/** Every string parameter (and string in an array parameter) as `storableText`. */
function storable(params: readonly Param[]): unknown[] {
  const text = (v: unknown) => (typeof v === 'string' ? storableText(v) : v);
  return params.map((p) => (Array.isArray(p) ? p.map(text) : text(p)));
}

/**
 * JSON text whose `\u0000` escapes become `\ufffd`, for columns read with `->>`, which refuses
 * to turn `\u0000` into text (an escaped backslash before `u0000` is left alone).
 */
export function storableJson(text: string): string {
  return text.includes('\\u0000') ? text.replace(/(?<!\\)((?:\\\\)*)\\u0000/g, '$1\\ufffd') : text;
}

function txOf(client: PoolClient): Tx {
  const all = async (sql: string | Prepared, params: readonly Param[] = []) =>
    // A config with a `name` makes `pg` prepare the statement on this connection the first time.
    (await client.query<Row>(typeof sql === 'string' ? { text: sql } : sql, storable(params))).rows;
  return {
    all,
    one: async (sql, params) => (await all(sql, params))[0] ?? null,
    run: async (sql, params = []) => (await client.query(sql, storable(params))).rowCount ?? 0,
  };
}

export class PgDb {
  private closed = false;

  /** LISTEN connections, ended at close. */
  private readonly listeners = new Set<() => Promise<void>>();

  private constructor(
    readonly pool: pg.Pool,
    /**
     * Connections for result downloads, apart from `pool`: a download holds its connection for as
     * long as the client takes to read it, and slow clients must not starve sign-ins, events and
     * jobs of theirs. Beyond its size, downloads wait for one another.
     */
    readonly downloadPool: pg.Pool,
    /** Names this store's sessions in pg_stat_activity, so that close() finds its own queries. */
    private readonly applicationName: string,
    private readonly clientConfig: pg.ClientConfig,
  ) {}

  static async open(options: PgDbOptions): Promise<PgDb> {
    const types = new TypeOverrides();
    types.setTypeParser(TIMESTAMP_OID, parseTimestamp);
    const applicationName = `cuepoint-${process.pid}-${randomBytes(4).toString('hex')}`;
    const clientConfig: pg.ClientConfig = {
      connectionString: options.url,
      types,
      application_name: applicationName,
      options: '-c TimeZone=UTC -c DateStyle=ISO,YMD',
    };
    const pool = new pg.Pool({ ...clientConfig, max: options.poolSize });
    const downloadPool = new pg.Pool({
      ...clientConfig,
      max: Math.max(2, Math.ceil(options.poolSize / 2)),
    });
    // An idle connection that breaks (a server restart) must not crash the process; the pool
    // replaces it on next use.
    pool.on('error', () => undefined);
    downloadPool.on('error', () => undefined);
    const db = new PgDb(pool, downloadPool, applicationName, clientConfig);
    await db.all('SELECT 1'); // fail at start, naming the cause, when the server does not answer
    return db;
  }

  async all(sql: string, params: readonly Param[] = []): Promise<Row[]> {
    return (await this.pool.query<Row>(sql, storable(params))).rows;
  }

  async one(sql: string, params: readonly Param[] = []): Promise<Row | null> {
    return (await this.all(sql, params))[0] ?? null;
  }

  /** A statement's affected row count. */
  async run(sql: string, params: readonly Param[] = []): Promise<number> {
    return (await this.pool.query(sql, storable(params))).rowCount ?? 0;
  }

  /** Runs `work` on one connection, returned to the pool afterwards. */
  async withClient<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      return await work(client);
    } finally {
      client.release();
    }
  }

  /**
   * `BEGIN` … `COMMIT`, or `ROLLBACK` when `work` throws. `opening`: statements without
   * parameters (locks) sent with the `BEGIN`, in the same round trip: a small, hot transaction
   * spends as much on a round trip as on its work.
   */
  transaction<T>(work: (tx: Tx) => Promise<T>, mode = '', opening = ''): Promise<T> {
    return this.withClient(async (client) => {
      try {
        await client.query(opening ? `BEGIN ${mode}; ${opening}` : `BEGIN ${mode}`);
        const result = await work(txOf(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  /**
   * Hears NOTIFY on `channel` on a connection of its own (a pooled one would be handed to other
   * work). A connection that drops is made again a second later, until the returned function is
   * called; what was sent meanwhile is not heard, which callers allow for.
   */
  async listen(
    channel: string,
    onPayload: (payload: string) => void,
  ): Promise<() => Promise<void>> {
    let stopped = false;
    let client: pg.Client | undefined;
    let retry: NodeJS.Timeout | undefined;
    const again = () => {
      if (!stopped) retry = setTimeout(() => void connect().catch(again), 1000);
    };
    const connect = async (): Promise<void> => {
      const next = new pg.Client(this.clientConfig);
      next.on('notification', (message) => {
        if (message.channel === channel && message.payload !== undefined)
          onPayload(message.payload);
      });
      let failed = false;
      const fail = () => {
        if (failed) return;
        failed = true;
        if (client === next) client = undefined;
        void next.end().catch(() => undefined);
      };
      next.on('error', () => {
        // Connected and listening until now: a dropped connection is made again.
        const wasListening = client === next;
        fail();
        if (wasListening) again();
      });
      try {
        await next.connect();
        await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      } catch (error) {
        fail();
        throw error;
      }
      if (stopped) return void (await next.end().catch(() => undefined));
      client = next;
    };
    await connect();
    const stop = async () => {
      stopped = true;
      clearTimeout(retry);
      this.listeners.delete(stop);
      await client?.end().catch(() => undefined);
    };
    this.listeners.add(stop);
    return stop;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const stop of [...this.listeners]) await stop();
    await this.pool
      .query(
        `SELECT pg_cancel_backend(pid) FROM pg_stat_activity
         WHERE application_name = $1 AND pid <> pg_backend_pid() AND state = 'active'`,
        [this.applicationName],
      )
      .catch(() => undefined);
    await this.pool.end();
    await this.downloadPool.end();
  }
}

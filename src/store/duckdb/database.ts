/**
 * The DuckDB file and its connections. Cross-cutting rules live here once:
 * - one writer: every write goes through `write()`, a serial queue on one connection, because
 *   DuckDB has a single writer and concurrent appends would only conflict;
 * - reads use their own connections so that a long report does not hold up ingestion;
 * - `memory_limit` and `threads` are set explicitly (architecture.md §4).
 */
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export interface DuckDbOptions {
  dataDir: string;
  memoryLimit: string;
  threads: number;
  /** How far back (by arrival) a repeated event_id is recognised as a duplicate. */
  dedupWindowDays: number;
}

export type Row = Record<string, unknown>;

/**
 * Runs `work` as one transaction on `conn` (the writer, inside `DuckDb.write`): COMMIT when it
 * resolves — the WAL fsync that makes the whole of it durable — ROLLBACK when it throws. The
 * appender joins the transaction too: its flush commits nothing on its own in one.
 */
export async function inTransaction<T>(conn: DuckDBConnection, work: () => Promise<T>): Promise<T> {
  await conn.run('BEGIN TRANSACTION');
  try {
    const result = await work();
    await conn.run('COMMIT');
    return result;
  } catch (error) {
    // A COMMIT that failed may have ended the transaction already; the caller needs the first
    // error, not ROLLBACK's complaint that there is nothing left to roll back.
    await conn.run('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

export class DuckDb {
  private writeQueue: Promise<unknown> = Promise.resolve();
  private readers: DuckDBConnection[] = [];
  private nextReader = 0;
  private closed = false;

  private constructor(
    private readonly instance: DuckDBInstance,
    readonly writer: DuckDBConnection,
  ) {}

  static async open(options: DuckDbOptions): Promise<DuckDb> {
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    const instance = await DuckDBInstance.create(join(options.dataDir, 'cuepoint.duckdb'), {
      memory_limit: options.memoryLimit,
      threads: String(options.threads),
    });
    const db = new DuckDb(instance, await instance.connect());
    for (let i = 0; i < 2; i++) db.readers.push(await instance.connect());
    return db;
  }

  /** Runs `work` alone on the writer connection, after every write queued before it. */
  write<T>(work: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    const result = this.writeQueue.then(() => work(this.writer));
    this.writeQueue = result.catch(() => undefined);
    return result;
  }

  /** A write statement, queued behind the others. */
  run(sql: string, params: DuckDBValue[] = []): Promise<void> {
    return this.write(async (conn) => {
      await conn.run(sql, params);
    });
  }

  /** A write statement that returns rows (`INSERT … RETURNING`), queued behind the others. */
  writeAll(sql: string, params: DuckDBValue[] = []): Promise<Row[]> {
    return this.write(async (conn) => (await conn.runAndReadAll(sql, params)).getRowObjectsJS());
  }

  /** A read query on a reader connection, rows as plain JS objects. */
  async all(sql: string, params: DuckDBValue[] = []): Promise<Row[]> {
    return this.read(async (conn) => (await conn.runAndReadAll(sql, params)).getRowObjectsJS());
  }

  /** Lends a reader connection (round robin) for work that needs the connection itself. */
  read<T>(work: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    return work(this.readers[this.nextReader++ % this.readers.length]!);
  }

  /**
   * Runs `work` on a connection of its own, closed afterwards: for a query that may be
   * interrupted (a statement timeout), so that the interrupt cannot reach anyone else's query.
   */
  async isolated<T>(work: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    const conn = await this.instance.connect();
    try {
      return await work(conn);
    } finally {
      conn.closeSync();
    }
  }

  async one(sql: string, params: DuckDBValue[] = []): Promise<Row | null> {
    return (await this.all(sql, params))[0] ?? null;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writeQueue;
    for (const reader of this.readers) reader.closeSync();
    this.writer.closeSync();
    // Checkpoint-on-close folds the WAL into the file, so the next start replays nothing.
    this.instance.closeSync();
  }
}

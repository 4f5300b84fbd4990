import { DuckDBTimestampValue, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import { EVENT_COLUMNS, type NewEvent } from '../../domain/events/stored-event.js';
import type { EventStore } from '../store.js';
import { inTransaction, type DuckDb } from './database.js';
import { SeenAnnotations, epochDay, foldAppended, type TouchedDays } from './rollups.js';
import { tsParam } from './rows.js';

type Value = NewEvent[keyof NewEvent] | bigint;

function appendValue(appender: DuckDBAppender, type: string, value: Value): void {
  if (value === null || value === undefined) return appender.appendNull();
  switch (type) {
    case 'text':
      return appender.appendVarchar(String(value));
    case 'double':
      return appender.appendDouble(Number(value));
    case 'smallint':
      return appender.appendSmallInt(Number(value));
    case 'bigint':
      return appender.appendBigInt(BigInt(value as bigint));
    case 'boolean':
      return appender.appendBoolean(Boolean(value));
    case 'timestamp':
      return appender.appendTimestamp(
        new DuckDBTimestampValue(BigInt((value as Date).getTime()) * 1000n),
      );
  }
}

/** Appends `events` to the events table with seqs from `firstSeq` on, in the caller's transaction. */
async function appendRows(
  conn: DuckDBConnection,
  events: readonly NewEvent[],
  firstSeq: bigint,
): Promise<void> {
  const appender = await conn.createAppender('events');
  try {
    events.forEach((event, index) => {
      for (const [name, type] of EVENT_COLUMNS) {
        appendValue(appender, type, name === 'seq' ? firstSeq + BigInt(index) : event[name]);
      }
      appender.endRow();
    });
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/**
 * Appends: duplicates are found first (one query over the de-duplication window), then the kept
 * events go through DuckDB's appender and are folded into the report rollups, in one transaction.
 * Its COMMIT is what makes them durable, and what a 200 from the collector waits for: inside a
 * transaction the appender's flush only hands the rows to it, and DuckDB writes and fsyncs its WAL
 * at COMMIT (checked with `strace -f -e fsync` on @duckdb/node-api 1.5.6: no fsync at such a flush
 * nor at ROLLBACK, one of the WAL at COMMIT; test/rollups-duckdb.test.ts checks the ROLLBACK).
 */
export function duckEvents(
  db: DuckDb,
  firstSeq: bigint,
  dedupWindowMs: number,
  touched: TouchedDays,
): EventStore {
  let nextSeq = firstSeq;
  const seen = new SeenAnnotations();

  let prepared: Promise<void> | undefined;
  const prepare = (conn: DuckDBConnection) =>
    (prepared ??= conn
      .run('CREATE TEMP TABLE IF NOT EXISTS batch_keys (event_key BIGINT)')
      .then(() => undefined));

  async function storedKeys(conn: DuckDBConnection, keys: Set<bigint>): Promise<Set<bigint>> {
    const stored = new Set<bigint>();
    if (keys.size === 0) return stored;
    // The batch's keys go to a TEMP table (memory only) for a semi-join: far cheaper for DuckDB
    // than parsing thousands of literals. Arrival order makes received_at's zone maps skip row
    // groups older than the window.
    await prepare(conn);
    await conn.run('DELETE FROM batch_keys');
    const appender = await conn.createAppender('batch_keys', 'main', 'temp');
    try {
      for (const key of keys) {
        appender.appendBigInt(key);
        appender.endRow();
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
    const reader = await conn.runAndReadAll(
      `SELECT DISTINCT event_key FROM events
       WHERE received_at >= CAST(? AS TIMESTAMP) AND event_key IN (SELECT event_key FROM batch_keys)`,
      [tsParam(new Date(Date.now() - dedupWindowMs))],
    );
    for (const [key] of reader.getRowsJS()) stored.add(key as bigint);
    return stored;
  }

  /** The events to keep, and the indexes of the duplicates: of a stored key or an earlier one here. */
  function dropDuplicates(events: readonly NewEvent[], stored: Set<bigint>) {
    const kept: NewEvent[] = [];
    const duplicates: number[] = [];
    events.forEach((event, index) => {
      if (event.event_key !== null) {
        if (stored.has(event.event_key)) return void duplicates.push(index);
        stored.add(event.event_key); // a repeat later in this batch is a duplicate too
      }
      kept.push(event);
    });
    return { kept, duplicates };
  }

  return {
    // DuckDB writes one transaction at a time (`db.write`): a second append would only queue.
    appendsAtOnce: 1,
    append(events) {
      return db.write(async (conn) => {
        const keys = new Set<bigint>();
        for (const event of events) if (event.event_key !== null) keys.add(event.event_key);
        const { kept, duplicates } = dropDuplicates(events, await storedKeys(conn, keys));
        if (kept.length === 0) return { duplicates };
        // Taken before the write: a failed one leaves a gap in seq, which only orders.
        const first = nextSeq;
        nextSeq += BigInt(kept.length);
        await inTransaction(conn, async () => {
          await appendRows(conn, kept, first);
          await foldAppended(conn, kept, first, seen);
        });
        // Only once committed: a rolled-back batch noted nothing.
        seen.addAll(kept);
        for (const event of kept) touched.add(event.account_id, epochDay(event.ts));
        return { duplicates };
      });
    },
    async count(accountId) {
      const row = await db.one('SELECT count(*) AS n FROM events WHERE account_id = ?', [
        accountId,
      ]);
      return Number(row?.n ?? 0);
    },
  };
}

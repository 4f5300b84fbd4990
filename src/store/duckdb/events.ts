import { DuckDBTimestampValue, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import { EVENT_COLUMNS, type NewEvent } from '../../domain/events/stored-event.js';
import type { EventStore } from '../store.js';
import type { DuckDb } from './database.js';
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

/**
 * Appends: duplicates are found first (one query over the de-duplication window), then the kept
 * events go through DuckDB's appender, whose flush is the commit.
 */
export function duckEvents(db: DuckDb, firstSeq: bigint, dedupWindowMs: number): EventStore {
  let nextSeq = firstSeq;

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

  return {
    append(events) {
      return db.write(async (conn) => {
        const keys = new Set<bigint>();
        for (const event of events) if (event.event_key !== null) keys.add(event.event_key);
        const stored = await storedKeys(conn, keys);
        const duplicates: number[] = [];
        const appender = await conn.createAppender('events');
        try {
          events.forEach((event, index) => {
            if (event.event_key !== null) {
              if (stored.has(event.event_key)) return void duplicates.push(index);
              stored.add(event.event_key); // a repeat later in this batch is a duplicate too
            }
            const seq = nextSeq++;
            for (const [name, type] of EVENT_COLUMNS) {
              appendValue(appender, type, name === 'seq' ? seq : event[name]);
            }
            appender.endRow();
          });
          // The flush commits; DuckDB writes and fsyncs its WAL before returning (checked with
          // strace, see docs/decisions.md), which is what makes a 200 from the collector durable.
          appender.flushSync();
        } finally {
          appender.closeSync();
        }
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

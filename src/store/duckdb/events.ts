import { DuckDBTimestampValue, type DuckDBAppender } from '@duckdb/node-api';
import { EVENT_COLUMNS, type NewEvent } from '../../domain/events/stored-event.js';
import type { EventStore } from '../store.js';
import type { DuckDb } from './database.js';

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

export function duckEvents(db: DuckDb, firstSeq: bigint): EventStore {
  let nextSeq = firstSeq;
  return {
    append(events) {
      return db.write(async (conn) => {
        const duplicates: number[] = [];
        const keys = [
          ...new Set(events.flatMap((e) => (e.event_key === null ? [] : [e.event_key]))),
        ];
        // event_key values are numbers we computed, so inlining them is safe and lets DuckDB
        // build one hash set for the scan.
        const stored = new Set<bigint>();
        if (keys.length > 0) {
          const reader = await conn.runAndReadAll(
            `SELECT DISTINCT event_key FROM events WHERE event_key IN (${keys.join(',')})`,
          );
          for (const [key] of reader.getRowsJS()) stored.add(key as bigint);
        }
        const appender = await conn.createAppender('events');
        try {
          events.forEach((event, index) => {
            if (event.event_key !== null) {
              if (stored.has(event.event_key)) return void duplicates.push(index);
              stored.add(event.event_key);
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

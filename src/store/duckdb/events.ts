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
 * Appends go through a TEMP staging table: the appender fills it in memory (no WAL, no fsync on
 * the event loop), then one asynchronous INSERT … SELECT commits to `events` on DuckDB's own
 * thread — where the WAL is written and fsynced — while Node goes on parsing requests.
 */
export function duckEvents(db: DuckDb, firstSeq: bigint, dedupWindowMs: number): EventStore {
  let nextSeq = firstSeq;
  let staging: Promise<void> | undefined;
  const prepare = (conn: DuckDBConnection) =>
    (staging ??= conn
      .run('CREATE TEMP TABLE IF NOT EXISTS events_staging AS SELECT * FROM events LIMIT 0')
      .then(() => undefined));

  return {
    append(events) {
      return db.write(async (conn) => {
        await prepare(conn);
        const duplicates: number[] = [];
        const seen = new Set<bigint>();
        const kept: NewEvent[] = [];
        events.forEach((event, index) => {
          if (event.event_key !== null) {
            if (seen.has(event.event_key)) return void duplicates.push(index);
            seen.add(event.event_key);
          }
          kept.push(event);
        });
        const appender = await conn.createAppender('events_staging', 'main', 'temp');
        try {
          for (const event of kept) {
            const seq = nextSeq++;
            for (const [name, type] of EVENT_COLUMNS) {
              appendValue(appender, type, name === 'seq' ? seq : event[name]);
            }
            appender.endRow();
          }
          appender.flushSync();
        } finally {
          appender.closeSync();
        }
        try {
          // Stored duplicates: a hash join of the staged keys against the events of the
          // de-duplication window (arrival order makes received_at's zone maps skip older data).
          const since = tsParam(new Date(Date.now() - dedupWindowMs));
          const stored = new Set<bigint>();
          if (seen.size > 0) {
            const reader = await conn.runAndReadAll(
              `SELECT DISTINCT s.event_key FROM events_staging s JOIN events e ON e.event_key = s.event_key
               WHERE e.received_at >= CAST(? AS TIMESTAMP)`,
              [since],
            );
            for (const [key] of reader.getRowsJS()) stored.add(key as bigint);
          }
          if (stored.size > 0) {
            await conn.run(
              `DELETE FROM events_staging WHERE event_key IN (${[...stored].join(',')})`,
            );
            const inBatch = new Set(duplicates);
            events.forEach((event, index) => {
              if (event.event_key !== null && stored.has(event.event_key) && !inBatch.has(index)) {
                duplicates.push(index);
              }
            });
            duplicates.sort((a, b) => a - b);
          }
          // The commit: DuckDB writes and fsyncs its WAL before this resolves (checked with
          // strace, see docs/decisions.md), which is what makes a 200 from the collector durable.
          await conn.run('INSERT INTO events SELECT * FROM events_staging');
        } finally {
          await conn.run('DELETE FROM events_staging');
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

/**
 * Appends in one statement per group commit: the events go up as one array per column and
 * `unnest` turns them back into rows (a multi-row INSERT with 49 parameters, whatever the batch
 * size). The unique index on (account_id, event_key) de-duplicates: ON CONFLICT DO NOTHING keeps
 * the stored copy, RETURNING names the keys that went in, and a retry that reaches two nodes at
 * once is stored once. The commit returns once the WAL is flushed (synchronous_commit).
 */
import { EVENT_COLUMNS, type NewEvent } from '../../domain/events/stored-event.js';
import type { EventStore } from '../store.js';
import { storableJson, tsParam, type PgDb } from './database.js';

const SQL_ARRAY_TYPE = {
  text: 'text[]',
  double: 'float8[]',
  bigint: 'int8[]',
  boolean: 'bool[]',
  timestamp: 'timestamp[]',
  smallint: 'int2[]',
} as const;

/** Every column but `seq`, which the database assigns from its sequence. */
const COLUMNS = EVENT_COLUMNS.filter(
  (column): column is Exclude<(typeof EVENT_COLUMNS)[number], readonly ['seq', string]> =>
    column[0] !== 'seq',
);

const INSERT = `INSERT INTO events (${COLUMNS.map(([name]) => name).join(', ')})
  SELECT * FROM unnest(${COLUMNS.map(([, type], i) => `$${i + 1}::${SQL_ARRAY_TYPE[type]}`).join(', ')})
  ON CONFLICT (account_id, event_key) WHERE event_key IS NOT NULL DO NOTHING
  RETURNING event_key`;

type Cell = string | number | boolean | null;

function cell(value: NewEvent[keyof NewEvent]): Cell {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return tsParam(value);
  if (typeof value === 'bigint') return value.toString();
  return value;
}

export function pgEvents(db: PgDb): EventStore {
  return {
    async append(events) {
      // A key repeated within the batch: the first copy is the one offered for storing.
      const duplicates: number[] = [];
      const offered: NewEvent[] = [];
      const offeredIndex: number[] = [];
      const seen = new Set<bigint>();
      events.forEach((event, index) => {
        if (event.event_key !== null) {
          if (seen.has(event.event_key)) return void duplicates.push(index);
          seen.add(event.event_key);
        }
        offered.push(event);
        offeredIndex.push(index);
      });
      if (offered.length === 0) return { duplicates };
      const columns = COLUMNS.map(([name]) =>
        name === 'extra'
          ? offered.map((event) => (event.extra === null ? null : storableJson(event.extra)))
          : offered.map((event) => cell(event[name])),
      );
      const inserted = await db.all(INSERT, columns);
      if (inserted.length < offered.length) {
        const kept = new Set(inserted.map((row) => String(row.event_key)));
        offered.forEach((event, i) => {
          if (event.event_key !== null && !kept.has(event.event_key.toString())) {
            duplicates.push(offeredIndex[i]!);
          }
        });
        duplicates.sort((a, b) => a - b);
      }
      return { duplicates };
    },
    async count(accountId) {
      const row = await db.one('SELECT count(*) AS n FROM events WHERE account_id = $1', [
        accountId,
      ]);
      return Number(row?.n ?? 0);
    },
  };
}

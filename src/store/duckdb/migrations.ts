/**
 * Versioned, append-only migrations for the embedded store. Each runs once, in order, inside a
 * transaction with the bump of `schema_migrations`; never edit one that has shipped.
 */
import { EVENT_COLUMNS, type ColumnType } from '../../domain/events/stored-event.js';
import {
  CHAPTER_DAYS_COLUMNS,
  PROJECT_DAYS_COLUMNS,
  SESSION_DAYS_COLUMNS,
  WIDGET_EVENTS_COLUMNS,
  foldChapterDays,
  foldProjectDays,
  foldSessionDays,
  foldWidgetEvents,
  type RollupColumnType,
} from '../../domain/reports/rollups.js';
import type { DuckDb } from './database.js';
import { namedAnnotations } from './rollups.js';
import { tsParam } from './rows.js';

const SQL_TYPE: Record<ColumnType, string> = {
  text: 'VARCHAR',
  double: 'DOUBLE',
  bigint: 'BIGINT',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP',
  smallint: 'SMALLINT',
};

const eventsTable = `CREATE TABLE events (${EVENT_COLUMNS.map(([name, type]) => `${name} ${SQL_TYPE[type]}`).join(', ')})`;

const ROLLUP_TYPE: Record<RollupColumnType, string> = { ...SQL_TYPE, date: 'DATE' };

/**
 * A rollup table (src/domain/reports/rollups.ts): no key, no index. Partials are only appended
 * (several per key until compaction merges them), and reads filter on account and day, which
 * DuckDB's zone maps serve without an index to keep up at every commit.
 */
const rollupTable = (name: string, columns: readonly (readonly [string, RollupColumnType])[]) =>
  `CREATE TABLE ${name} (${columns.map(([column, type]) => `${column} ${ROLLUP_TYPE[type]}`).join(', ')})`;

export const MIGRATIONS: readonly { version: number; name: string; sql: string[] }[] = [
  {
    version: 1,
    name: 'accounts, credentials, catalog, events',
    sql: [
      `CREATE TABLE accounts (account_id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL,
        limit_minute INTEGER NOT NULL, limit_hour INTEGER NOT NULL, limit_day INTEGER NOT NULL,
        created_at TIMESTAMP NOT NULL)`,
      `CREATE TABLE client_credentials (client_id VARCHAR PRIMARY KEY, secret_hash VARCHAR NOT NULL,
        accounts VARCHAR NOT NULL, scopes VARCHAR NOT NULL, revoked BOOLEAN NOT NULL DEFAULT false,
        created_at TIMESTAMP NOT NULL)`,
      `CREATE TABLE api_keys (key_id VARCHAR PRIMARY KEY, key_hash VARCHAR NOT NULL, type VARCHAR NOT NULL,
        account_id VARCHAR NOT NULL, origins VARCHAR NOT NULL, revoked BOOLEAN NOT NULL DEFAULT false,
        created_at TIMESTAMP NOT NULL)`,
      // Catalog rows are soft-deleted: reports keep showing a deleted project's title (catalog.md).
      `CREATE TABLE projects (account_id VARCHAR NOT NULL, id VARCHAR NOT NULL, title VARCHAR NOT NULL,
        video_id VARCHAR, video_source_id VARCHAR, video_duration DOUBLE, tags VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL, updated_at TIMESTAMP NOT NULL, deleted_at TIMESTAMP,
        PRIMARY KEY (account_id, id))`,
      `CREATE TABLE annotations (account_id VARCHAR NOT NULL, id VARCHAR NOT NULL, project_id VARCHAR NOT NULL,
        type VARCHAR NOT NULL, title VARCHAR, start_time VARCHAR, duration VARCHAR, properties VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL, updated_at TIMESTAMP NOT NULL, deleted_at TIMESTAMP,
        PRIMARY KEY (account_id, id))`,
      `CREATE TABLE experiences (account_id VARCHAR NOT NULL, id VARCHAR NOT NULL, title VARCHAR NOT NULL,
        type VARCHAR NOT NULL, playlist VARCHAR NOT NULL, tags VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL, updated_at TIMESTAMP NOT NULL, deleted_at TIMESTAMP,
        PRIMARY KEY (account_id, id))`,
      // No unique index on events: one duplicate would fail a whole appender flush, and the index
      // would grow with every event. De-duplication anti-joins on event_key instead (events.ts).
      eventsTable,
    ],
  },
  {
    version: 2,
    name: 'report jobs',
    sql: [
      // No primary key: DuckDB's index checks on UPDATE are over-eager; IDs are random UUIDs.
      `CREATE TABLE jobs (id VARCHAR NOT NULL, identity VARCHAR NOT NULL, account_id VARCHAR NOT NULL,
        report VARCHAR NOT NULL, scope VARCHAR NOT NULL, state VARCHAR NOT NULL, counted BOOLEAN NOT NULL,
        created_at TIMESTAMP NOT NULL, started_at TIMESTAMP, finished_at TIMESTAMP, expires_at TIMESTAMP,
        rows BIGINT, truncated BOOLEAN NOT NULL DEFAULT false, error VARCHAR)`,
    ],
  },
  {
    version: 3,
    name: 'job claims and leases',
    sql: [
      // The same claim and lease columns as server mode, so one report service drives both.
      'ALTER TABLE jobs ADD COLUMN attempt INTEGER DEFAULT 0',
      'ALTER TABLE jobs ADD COLUMN lease_until TIMESTAMP',
    ],
  },
  {
    version: 4,
    name: 'report rollups',
    sql: [
      rollupTable('session_days', SESSION_DAYS_COLUMNS),
      rollupTable('project_days', PROJECT_DAYS_COLUMNS),
      rollupTable('chapter_days', CHAPTER_DAYS_COLUMNS),
      // The annotations stored events name: a catalog change of any other annotation's type
      // needs no re-fold (rollups.ts), and this is how a catalog write knows without a scan.
      `CREATE TABLE annotations_seen (account_id VARCHAR, annotation_id VARCHAR,
        PRIMARY KEY (account_id, annotation_id))`,
      // One fold over all events gives one row per key, already merged.
      `INSERT INTO session_days BY NAME ${foldSessionDays('events', 'duckdb')}`,
      `INSERT INTO project_days BY NAME ${foldProjectDays('events', 'duckdb')}`,
      `INSERT INTO chapter_days BY NAME ${foldChapterDays('events', 'duckdb')}`,
      `INSERT INTO annotations_seen ${namedAnnotations('events')}`,
    ],
  },
  {
    version: 5,
    name: 'report rollups: widget_events',
    sql: [
      rollupTable('widget_events', WIDGET_EVENTS_COLUMNS),
      `INSERT INTO widget_events BY NAME ${foldWidgetEvents('events', 'duckdb')}`,
    ],
  },
];

export async function migrate(db: DuckDb): Promise<void> {
  await db.run(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP)',
  );
  const done = new Set(
    (await db.all('SELECT version FROM schema_migrations')).map((r) => Number(r.version)),
  );
  for (const migration of MIGRATIONS) {
    if (done.has(migration.version)) continue;
    await db.write(async (conn) => {
      await conn.run('BEGIN TRANSACTION');
      try {
        for (const statement of migration.sql) await conn.run(statement);
        await conn.run('INSERT INTO schema_migrations VALUES (?, ?, ?::TIMESTAMP)', [
          migration.version,
          migration.name,
          tsParam(new Date()),
        ]);
        await conn.run('COMMIT');
      } catch (error) {
        await conn.run('ROLLBACK');
        throw error;
      }
    });
  }
}

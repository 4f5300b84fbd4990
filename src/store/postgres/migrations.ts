/**
 * Versioned, append-only migrations for server mode; never edit one that has shipped. Every node
 * migrates at start, so the whole run holds a transaction-level advisory lock: N nodes starting at
 * once migrate once, the others wait and then find every version applied.
 *
 * Text that reports sort or compare (IDs, names, answers) is `COLLATE "C"`: PostgreSQL then
 * orders it by code point, as DuckDB does, whatever the database's locale (details.md §1: both
 * backends print the same bytes, rows in the same order).
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
import type { PgDb } from './database.js';
import { settleAlone } from './rollups.js';

/** Any constant, the same on every node: the lock's name. */
const MIGRATION_LOCK = 0x6375_6570; // "cuep"

const SQL_TYPE: Record<ColumnType, string> = {
  text: 'text COLLATE "C"',
  double: 'double precision',
  bigint: 'bigint',
  boolean: 'boolean',
  timestamp: 'timestamp',
  smallint: 'smallint',
};

const eventColumns = EVENT_COLUMNS.map(([name, type]) =>
  name === 'seq'
    ? // Arrival order across every node: one sequence, assigned as rows are inserted.
      `seq bigint NOT NULL DEFAULT nextval('events_seq')`
    : `${name} ${SQL_TYPE[type]}${['account_id', 'ts', 'received_at', 'kind', 'session_id'].includes(name) ? ' NOT NULL' : ''}`,
).join(',\n  ');

const ROLLUP_SQL_TYPE: Record<RollupColumnType, string> = {
  text: 'text COLLATE "C"',
  date: 'date',
  timestamp: 'timestamp',
  bigint: 'bigint',
  double: 'double precision',
  boolean: 'boolean',
};

/** A rollup table's column list; its key columns that are never NULL say so. */
function rollupColumns(
  columns: readonly (readonly [string, RollupColumnType])[],
  notNull: readonly string[],
): string {
  return columns
    .map(
      ([name, type]) =>
        `${name} ${ROLLUP_SQL_TYPE[type]}${notNull.includes(name) ? ' NOT NULL' : ''}`,
    )
    .join(',\n  ');
}

export const MIGRATIONS: readonly { version: number; name: string; sql: string[] }[] = [
  {
    version: 1,
    name: 'accounts, credentials, catalog, events, jobs, results, counters, secrets',
    sql: [
      `CREATE TABLE accounts (account_id text COLLATE "C" PRIMARY KEY, name text NOT NULL,
        limit_minute integer NOT NULL, limit_hour integer NOT NULL, limit_day integer NOT NULL,
        created_at timestamp NOT NULL)`,
      `CREATE TABLE client_credentials (client_id text COLLATE "C" PRIMARY KEY,
        secret_hash text NOT NULL, accounts text NOT NULL, scopes text NOT NULL,
        revoked boolean NOT NULL DEFAULT false, created_at timestamp NOT NULL)`,
      `CREATE TABLE api_keys (key_id text COLLATE "C" PRIMARY KEY, key_hash text NOT NULL,
        type text NOT NULL, account_id text COLLATE "C" NOT NULL, origins text NOT NULL,
        revoked boolean NOT NULL DEFAULT false, created_at timestamp NOT NULL)`,
      'CREATE INDEX api_keys_account ON api_keys (account_id)',
      // Catalog rows are soft-deleted: reports keep showing a deleted project's title (catalog.md).
      // JSON stays text, as sent: `jsonb` would reorder keys that clients read back.
      `CREATE TABLE projects (account_id text COLLATE "C" NOT NULL, id text COLLATE "C" NOT NULL,
        title text NOT NULL, video_id text COLLATE "C", video_source_id text COLLATE "C",
        video_duration double precision, tags text NOT NULL, created_at timestamp NOT NULL,
        updated_at timestamp NOT NULL, deleted_at timestamp, PRIMARY KEY (account_id, id))`,
      `CREATE TABLE annotations (account_id text COLLATE "C" NOT NULL, id text COLLATE "C" NOT NULL,
        project_id text COLLATE "C" NOT NULL, type text COLLATE "C" NOT NULL, title text,
        start_time text, duration text, properties text NOT NULL, created_at timestamp NOT NULL,
        updated_at timestamp NOT NULL, deleted_at timestamp, PRIMARY KEY (account_id, id))`,
      'CREATE INDEX annotations_project ON annotations (account_id, project_id)',
      `CREATE TABLE experiences (account_id text COLLATE "C" NOT NULL, id text COLLATE "C" NOT NULL,
        title text NOT NULL, type text NOT NULL, playlist text NOT NULL, tags text NOT NULL,
        created_at timestamp NOT NULL, updated_at timestamp NOT NULL, deleted_at timestamp,
        PRIMARY KEY (account_id, id))`,
      'CREATE SEQUENCE events_seq',
      `CREATE TABLE events (\n  ${eventColumns}\n)`,
      // De-duplication: one stored copy per (account, event_key); the collector inserts with
      // ON CONFLICT DO NOTHING, so two nodes receiving the same retry keep one.
      `CREATE UNIQUE INDEX events_dedup ON events (account_id, event_key)
        WHERE event_key IS NOT NULL`,
      // Every report reads one account's events in a time range: this index keeps it to them.
      'CREATE INDEX events_account_ts ON events (account_id, ts)',
      `CREATE TABLE jobs (id text PRIMARY KEY, identity text NOT NULL,
        account_id text COLLATE "C" NOT NULL, report text NOT NULL, scope text NOT NULL,
        state text NOT NULL, counted boolean NOT NULL, created_at timestamp NOT NULL,
        started_at timestamp, finished_at timestamp, expires_at timestamp, rows bigint,
        truncated boolean NOT NULL DEFAULT false, error text,
        attempt integer NOT NULL DEFAULT 0, lease_until timestamp)`,
      // One queued or running job per report identity, whichever node the requests reach.
      `CREATE UNIQUE INDEX jobs_live_identity ON jobs (identity)
        WHERE state IN ('queued', 'running')`,
      'CREATE INDEX jobs_identity ON jobs (identity, created_at)',
      'CREATE INDEX jobs_account_recent ON jobs (account_id, created_at) WHERE counted',
      `CREATE INDEX jobs_pending ON jobs (state, created_at) WHERE state IN ('queued', 'running')`,
      'CREATE INDEX jobs_expiry ON jobs (state, expires_at)',
      // Results: one header row per job, and its rows printed once per encoding (CSV line, JSON
      // object) so that any node streams them out without computing anything.
      `CREATE TABLE results (job_id text PRIMARY KEY, rows bigint, csv_header text,
        csv_bytes bigint, json_bytes bigint, ndjson_bytes bigint, created_at timestamp NOT NULL)`,
      `CREATE TABLE result_rows (job_id text NOT NULL, n integer NOT NULL, csv text NOT NULL,
        json text NOT NULL, PRIMARY KEY (job_id, n))`,
      'CREATE TABLE counter_hits (key text NOT NULL, at timestamp NOT NULL)',
      'CREATE INDEX counter_hits_key ON counter_hits (key, at)',
      'CREATE TABLE secrets (name text PRIMARY KEY, value bytea NOT NULL)',
    ],
  },
  {
    version: 2,
    name: 'report rollups: session_days, project_days, chapter_days, annotations_seen',
    sql: [
      // Partials are appended, several per key until compaction: no unique key. Reports read one
      // account's days in a range, compaction one account's day.
      `CREATE TABLE session_days (\n  ${rollupColumns(SESSION_DAYS_COLUMNS, ['account_id', 'day', 'session_id'])}\n)`,
      'CREATE INDEX session_days_account_day ON session_days (account_id, day)',
      `CREATE TABLE project_days (\n  ${rollupColumns(PROJECT_DAYS_COLUMNS, ['account_id', 'day', 'project_id'])}\n)`,
      'CREATE INDEX project_days_account_day ON project_days (account_id, day)',
      `CREATE TABLE chapter_days (\n  ${rollupColumns(CHAPTER_DAYS_COLUMNS, ['account_id', 'day', 'project_id', 'chapter_id', 'is_view'])}\n)`,
      'CREATE INDEX chapter_days_account_day ON chapter_days (account_id, day)',
      // The annotations stored events name: a catalog write that changes the type of one of them
      // re-folds the sessions that name it (rollups.ts).
      `CREATE TABLE annotations_seen (account_id text COLLATE "C" NOT NULL,
        annotation_id text COLLATE "C" NOT NULL, PRIMARY KEY (account_id, annotation_id))`,
      // The backfill folds every stored event at once: one row per key, nothing to compact. A
      // node of the previous version, which appends without folding, waits meanwhile, so that
      // no event lands between the folds' snapshot and the commit unfolded. (~2 minutes at 10
      // million events.)
      'LOCK TABLE events IN SHARE MODE',
      `INSERT INTO session_days ${foldSessionDays('events', 'postgres')}`,
      `INSERT INTO project_days ${foldProjectDays('events', 'postgres')}`,
      `INSERT INTO chapter_days ${foldChapterDays('events', 'postgres')}`,
      `INSERT INTO annotations_seen
        SELECT DISTINCT account_id, annotation_id FROM events WHERE annotation_id IS NOT NULL`,
      // Statistics for the planner now, not whenever autovacuum next looks (if it runs at all).
      'ANALYZE session_days, project_days, chapter_days',
    ],
  },
  {
    version: 3,
    name: 'report rollups: widget_events',
    sql: [
      // One row per sign-in event and poll submit (rollups.ts), read by the widget summaries one
      // account's days in a range.
      `CREATE TABLE widget_events (\n  ${rollupColumns(WIDGET_EVENTS_COLUMNS, ['account_id', 'day', 'ts', 'seq', 'session_id', 'annotation_id', 'atype', 'kind'])}\n)`,
      'CREATE INDEX widget_events_account_day ON widget_events (account_id, day)',
      // As in version 2: a node of the previous version, which appends without this fold, waits
      // until the backfill commits.
      'LOCK TABLE events IN SHARE MODE',
      `INSERT INTO widget_events ${foldWidgetEvents('events', 'postgres')}`,
      'ANALYZE widget_events',
    ],
  },
  {
    version: 4,
    name: 'results stored in chunks of lines',
    sql: [
      // A result's lines joined by newlines, 1,000 rows a chunk (results.ts), kept uncompressed:
      // pglz would spend time on every store and every read of text that is sent as it is.
      `CREATE TABLE result_chunks (job_id text NOT NULL, k integer NOT NULL, csv text NOT NULL,
        json text NOT NULL, PRIMARY KEY (job_id, k))`,
      'ALTER TABLE result_chunks ALTER COLUMN csv SET STORAGE EXTERNAL, ALTER COLUMN json SET STORAGE EXTERNAL',
      // The stored results stay servable: the lines their jobs serve (`jobs.rows`: at most the
      // row cap), chunked. Nothing reads the size of a chunk, so the size here need not match.
      `INSERT INTO result_chunks (job_id, k, csv, json)
        SELECT r.job_id, (r.n - 1) / 1000, string_agg(r.csv, E'\\n' ORDER BY r.n),
          string_agg(r.json, E'\\n' ORDER BY r.n)
        FROM result_rows r JOIN jobs j ON j.id = r.job_id
        WHERE r.n <= j.rows
        GROUP BY r.job_id, (r.n - 1) / 1000`,
      // A result stored by a worker that died before finishing its job (no `jobs.rows`): gone, so
      // that the job's next run stores it again rather than find it claimed and without lines.
      'DELETE FROM results WHERE job_id NOT IN (SELECT id FROM jobs WHERE rows IS NOT NULL)',
      'DROP TABLE result_rows',
    ],
  },
  {
    version: 5,
    name: 'session partials known to be alone',
    sql: [
      // After the folds' columns (rollups.ts), so that a node of an earlier version, which
      // inserts them by position, still can: its partials take the default, not alone, which is
      // always safe.
      'ALTER TABLE session_days ADD COLUMN alone boolean NOT NULL DEFAULT false',
      // A session's partials on any day, for the compaction's check; and the few partials not
      // alone, which reports look up by day to find the sessions they combine.
      'CREATE INDEX session_days_account_session ON session_days (account_id, session_id)',
      'CREATE INDEX session_days_not_alone ON session_days (account_id, day) WHERE NOT alone',
      settleAlone('true'),
      'ANALYZE session_days',
    ],
  },
  {
    version: 6,
    name: 'results printed on first download',
    sql: [
      // A job's typed rows, a table each (results.ts), dropped with its result.
      'CREATE SCHEMA result_tables',
      // An encoding's lines joined by newlines, 1,000 rows a chunk, printed the first time a
      // format needing them is asked for; uncompressed, as the chunks were.
      `CREATE TABLE result_lines (job_id text NOT NULL,
        encoding text NOT NULL CHECK (encoding IN ('csv', 'json')), k integer NOT NULL,
        lines text NOT NULL, PRIMARY KEY (job_id, encoding, k))`,
      'ALTER TABLE result_lines ALTER COLUMN lines SET STORAGE EXTERNAL',
      // Results stored before keep both encodings' lines, and their sizes: served as they were.
      `INSERT INTO result_lines (job_id, encoding, k, lines)
        SELECT job_id, 'csv', k, csv FROM result_chunks
        UNION ALL SELECT job_id, 'json', k, json FROM result_chunks`,
      'DROP TABLE result_chunks',
    ],
  },
];

export async function migrate(db: PgDb): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.run('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.run(
      `CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY,
        name text NOT NULL, applied_at timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'))`,
    );
    const done = new Set(
      (await tx.all('SELECT version FROM schema_migrations')).map((r) => Number(r.version)),
    );
    for (const migration of MIGRATIONS) {
      if (done.has(migration.version)) continue;
      for (const statement of migration.sql) await tx.run(statement);
      await tx.run('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
    }
  });
}

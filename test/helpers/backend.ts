/**
 * Which store the tests run against: the embedded DuckDB file (default) or PostgreSQL when
 * CUEPOINT_TEST_BACKEND=postgres (the second pass of `npm test`). In PostgreSQL each store a test
 * opens gets a database of its own, `cuepoint_test_<random>`, created on the server at
 * CUEPOINT_TEST_DATABASE_URL (default: the local server's `postgres` database) and dropped when
 * the test is done with it. A data directory and its database go together, so a test that
 * restarts a server on the same data directory finds the same data, as it would in DuckDB.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';

export type TestBackend = 'duckdb' | 'postgres';

export const BACKEND: TestBackend =
  process.env.CUEPOINT_TEST_BACKEND === 'postgres' ? 'postgres' : 'duckdb';

export const ADMIN_URL =
  process.env.CUEPOINT_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The URL of `database` on the server of ADMIN_URL. */
function urlOf(database: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty database and returns its URL. */
export async function createTestDatabase(): Promise<string> {
  const name = `cuepoint_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  return urlOf(name);
}

/** Drops the database of `url`, closing whatever connections are still open to it. */
export async function dropTestDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  if (!/^cuepoint_test_[0-9a-f]+$/.test(name)) throw new Error(`not a test database: ${name}`);
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

const databases = new Map<string, Promise<string>>();

/** The database that goes with a data directory in this test process, created on first use. */
export function databaseFor(dataDir: string): Promise<string> {
  let url = databases.get(dataDir);
  if (!url) {
    url = createTestDatabase();
    databases.set(dataDir, url);
  }
  return url;
}

/** Drops the database of a data directory, if it has one. */
export async function forgetDatabase(dataDir: string): Promise<void> {
  const url = databases.get(dataDir);
  if (!url) return;
  databases.delete(dataDir);
  await dropTestDatabase(await url);
}

/** Runs one statement on a test database (assertions, and breaking things on purpose). */
export async function sqlOn(url: string, text: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url, options: '-c TimeZone=UTC' });
  await client.connect();
  try {
    return (await client.query<Record<string, unknown>>(text)).rows;
  } finally {
    await client.end();
  }
}

/**
 * The store settings for a data directory on the backend under test: the directory itself for
 * DuckDB, its database (created on first use) for PostgreSQL.
 */
export async function storeSettings(
  dataDir: string,
): Promise<{ dataDir: string; databaseUrl?: string }> {
  return BACKEND === 'postgres'
    ? { dataDir, databaseUrl: await databaseFor(dataDir) }
    : { dataDir };
}

/**
 * Makes storing report results fail until `repair` is called: a file where DuckDB's results
 * directory belongs, or PostgreSQL's schema of result tables renamed away.
 */
export async function breakResults(dataDir: string): Promise<{ repair(): Promise<void> }> {
  if (BACKEND === 'postgres') {
    const url = await databaseFor(dataDir);
    await sqlOn(url, 'ALTER SCHEMA result_tables RENAME TO result_tables_away');
    return {
      repair: async () =>
        void (await sqlOn(url, 'ALTER SCHEMA result_tables_away RENAME TO result_tables')),
    };
  }
  const dir = join(dataDir, 'results');
  rmSync(dir, { recursive: true, force: true });
  writeFileSync(dir, 'in the way');
  return {
    async repair() {
      rmSync(dir);
      mkdirSync(dir);
    },
  };
}

/** The jobs whose results are still stored (files in DuckDB's results directory, rows in PostgreSQL). */
export async function storedResults(dataDir: string): Promise<string[]> {
  if (BACKEND === 'postgres') {
    const rows = await sqlOn(
      await databaseFor(dataDir),
      `SELECT job_id FROM results UNION SELECT job_id FROM result_lines
       UNION SELECT tablename FROM pg_tables WHERE schemaname = 'result_tables' ORDER BY 1`,
    );
    return rows.map((r) => String(r.job_id));
  }
  return readdirSync(join(dataDir, 'results'));
}

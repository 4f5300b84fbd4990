/**
 * The second pass of `npm test`: the store and API tests again, on PostgreSQL
 * (CUEPOINT_TEST_BACKEND=postgres, one database per store a test opens; helpers/backend.ts).
 * When no PostgreSQL answers, it says so and why, and skips the pass rather than failing it.
 *
 *   node dist/test/helpers/postgres-pass.js
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { ADMIN_URL } from './backend.js';

/**
 * The test files that exercise the store (through HTTP, the services, or as processes), and
 * those that need PostgreSQL itself (server mode across processes, both backends side by side).
 */
const POSTGRES_PASS =
  /^(collector|catalog-.*|auth-.*|reports-protocol|report-.*|analytics-.*|store-.*|multinode|backends-agree)\.test\.js$/;

const testDir = dirname(dirname(fileURLToPath(import.meta.url)));

async function answers(): Promise<string | null> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

const safeUrl = ADMIN_URL.replace(/\/\/[^@/]*@/, '//…@');
const problem = await answers();
if (problem !== null) {
  process.stdout.write(
    `# PostgreSQL pass SKIPPED: no PostgreSQL answers at ${safeUrl} (${problem}). ` +
      'scripts/test.sh starts the local one; or set CUEPOINT_TEST_DATABASE_URL.\n',
  );
} else {
  const files = readdirSync(testDir)
    .filter((name) => POSTGRES_PASS.test(name))
    .map((name) => join(testDir, name));
  process.stdout.write(`# PostgreSQL pass: ${files.length} test files on ${safeUrl}\n`);
  const child = spawn(process.execPath, ['--test', '--test-concurrency=2', ...files], {
    env: { ...process.env, CUEPOINT_TEST_BACKEND: 'postgres' },
    stdio: 'inherit',
  });
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal ? 1 : 0);
  });
}

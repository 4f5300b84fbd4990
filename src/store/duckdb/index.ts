/** The embedded store: one DuckDB file in the data directory. */
import type { Store } from '../store.js';
import { duckAccounts } from './accounts.js';
import { duckCatalog } from './catalog.js';
import { memoryCounters } from './counters.js';
import { duckCredentials } from './credentials.js';
import { DuckDb, type DuckDbOptions } from './database.js';
import { duckEvents } from './events.js';
import { migrate } from './migrations.js';
import { duckJobs } from './jobs.js';
import { duckQuery } from './query.js';
import { duckResults } from './results.js';
import { duckRollups } from './rollups.js';
import { TouchedDays } from '../touched-days.js';
import { fileSecrets } from './secrets.js';

export async function openDuckStore(options: DuckDbOptions): Promise<Store> {
  const db = await DuckDb.open(options);
  await migrate(db);
  return duckStore(db, options);
}

/**
 * The store over an open, migrated database. Apart from `openDuckStore` so that tests can keep
 * the database to look underneath (a second instance of the file cannot be opened alongside).
 */
export async function duckStore(db: DuckDb, options: DuckDbOptions): Promise<Store> {
  const maxSeq = await db.one('SELECT coalesce(max(seq), 0) AS seq FROM events');
  // Appends note the days they add partials to; compaction merges those.
  const touched = new TouchedDays<number>();
  return {
    jobs: duckJobs(db),
    results: duckResults(db, options.dataDir),
    accounts: duckAccounts(db),
    query: duckQuery(db),
    credentials: duckCredentials(db),
    events: duckEvents(
      db,
      BigInt(maxSeq?.seq as bigint) + 1n,
      options.dedupWindowDays * 86_400_000,
      touched,
    ),
    rollups: duckRollups(db, touched),
    catalog: duckCatalog(db),
    counters: memoryCounters(),
    secrets: fileSecrets(options.dataDir),
    close: () => db.close(),
  };
}

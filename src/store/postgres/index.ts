/** Server mode: every node's store is one PostgreSQL database. */
import type { Store } from '../store.js';
import { pgAccounts } from './accounts.js';
import { pgCatalog } from './catalog.js';
import { pgCounters } from './counters.js';
import { pgCredentials } from './credentials.js';
import { PgDb, type PgDbOptions } from './database.js';
import { pgEvents } from './events.js';
import { migrate } from './migrations.js';
import { pgJobs } from './jobs.js';
import { pgQuery } from './query.js';
import { pgResults } from './results.js';
import { pgRollups } from './rollups.js';
import { TouchedDays } from '../touched-days.js';
import { pgSecrets } from './secrets.js';

export async function openPgStore(options: PgDbOptions): Promise<Store> {
  const db = await PgDb.open(options);
  try {
    await migrate(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  // What this process appends to and compacts: its own partials.
  const touched = new TouchedDays<string>();
  return {
    jobs: pgJobs(db),
    results: pgResults(db),
    accounts: pgAccounts(db),
    query: pgQuery(db),
    credentials: pgCredentials(db),
    events: pgEvents(db, touched),
    rollups: pgRollups(db, touched),
    catalog: pgCatalog(db),
    counters: pgCounters(db),
    secrets: pgSecrets(db),
    close: () => db.close(),
  };
}

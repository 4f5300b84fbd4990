/** Chooses the backend: PostgreSQL when a database URL is configured, else the embedded DuckDB file. */
import type { Config } from '../config.js';
import { openDuckStore } from './duckdb/index.js';
import { openPgStore } from './postgres/index.js';
import type { Store } from './store.js';

export async function openStore(config: Config): Promise<Store> {
  if (config.databaseUrl) {
    return openPgStore({ url: config.databaseUrl, poolSize: config.databasePoolSize });
  }
  return openDuckStore({
    dataDir: config.dataDir,
    memoryLimit: config.duckdbMemoryLimit,
    threads: config.duckdbThreads,
    dedupWindowDays: config.dedupWindowDays,
  });
}

/**
 * Reads stored events straight from the store of a data directory, for assertions after the
 * server that owned it has stopped (DuckDB lets one process open the file for writing); on the
 * PostgreSQL pass, from the data directory's database.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { join } from 'node:path';
import { BACKEND, databaseFor, sqlOn } from './backend.js';

export type EventRow = Record<string, unknown>;

export async function readEvents(dataDir: string, where = 'true'): Promise<EventRow[]> {
  if (BACKEND === 'postgres') {
    return sqlOn(await databaseFor(dataDir), `SELECT * FROM events WHERE ${where} ORDER BY seq`);
  }
  // Not READ_ONLY: after a kill -9 the WAL must be replayed, which needs write access.
  const instance = await DuckDBInstance.create(join(dataDir, 'cuepoint.duckdb'));
  try {
    const conn = await instance.connect();
    const reader = await conn.runAndReadAll(`SELECT * FROM events WHERE ${where} ORDER BY seq`);
    const rows = reader.getRowObjectsJS();
    conn.closeSync();
    return rows;
  } finally {
    instance.closeSync();
  }
}

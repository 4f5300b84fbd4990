import { AppError } from '../../domain/errors.js';
import type { QueryStore } from '../store.js';
import type { DuckDb } from './database.js';

export function duckQuery(db: DuckDb): QueryStore {
  return {
    select: (sql, timeoutMs) =>
      db.isolated(async (conn) => {
        // DuckDB has no statement timeout: interrupt the connection when the time is up.
        let timedOut = false;
        const timer = setTimeout(() => {
          timedOut = true;
          conn.interrupt();
        }, timeoutMs);
        try {
          const reader = await conn.runAndReadAll(sql);
          return reader.getRowObjectsJS().map(plain);
        } catch (error) {
          if (timedOut)
            throw new AppError('UNAVAILABLE', `the report took longer than ${timeoutMs / 1000} s`);
          throw error;
        } finally {
          clearTimeout(timer);
        }
      }),
  };
}

/** BIGINT counts come back as bigint; reports want plain numbers. */
function plain(row: Record<string, unknown>): Record<string, unknown> {
  for (const [key, value] of Object.entries(row)) {
    if (typeof value === 'bigint') row[key] = Number(value);
  }
  return row;
}

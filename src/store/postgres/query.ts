import { AppError } from '../../domain/errors.js';
import type { QueryStore } from '../store.js';
import { QUERY_CANCELED, REPORT_SETTINGS, sqlState, type PgDb, type Row } from './database.js';

/** Type OIDs whose text `pg` leaves as strings but reports want as numbers. */
const NUMERIC_OIDS = new Set([20 /* int8 */, 1700 /* numeric */]);

export function pgQuery(db: PgDb): QueryStore {
  return {
    select: (sql, timeoutMs) =>
      db.withClient(async (client) => {
        // A read-only transaction with its own statement timeout: the limit ends with it.
        await client.query('BEGIN READ ONLY');
        try {
          await client.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.ceil(timeoutMs))}`);
          await client.query(REPORT_SETTINGS);
          const result = await client.query<Row>(sql);
          await client.query('COMMIT');
          const numeric = result.fields
            .filter((f) => NUMERIC_OIDS.has(f.dataTypeID))
            .map((f) => f.name);
          if (numeric.length > 0) {
            for (const row of result.rows) {
              for (const name of numeric) if (row[name] !== null) row[name] = Number(row[name]);
            }
          }
          return result.rows;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          if (sqlState(error) === QUERY_CANCELED)
            throw new AppError('UNAVAILABLE', `the report took longer than ${timeoutMs / 1000} s`);
          throw error;
        }
      }),
  };
}

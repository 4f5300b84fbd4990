import { AppError } from '../../domain/errors.js';
import type { Account, AccountStore } from '../store.js';
import { tsParam, type PgDb, type Row } from './database.js';
import { iso, str } from './rows.js';

function toAccount(row: Row): Account {
  return {
    account_id: str(row.account_id),
    name: str(row.name),
    limits: {
      minute: Number(row.limit_minute),
      hour: Number(row.limit_hour),
      day: Number(row.limit_day),
    },
    created_at: iso(row.created_at),
  };
}

export function pgAccounts(db: PgDb): AccountStore {
  return {
    async get(id) {
      const row = await db.one('SELECT * FROM accounts WHERE account_id = $1', [id]);
      return row ? toAccount(row) : null;
    },
    async create(account) {
      const row = await db.one(
        `INSERT INTO accounts (account_id, name, limit_minute, limit_hour, limit_day, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING *`,
        [
          account.account_id,
          account.name,
          account.limits.minute,
          account.limits.hour,
          account.limits.day,
          tsParam(new Date()),
        ],
      );
      if (!row)
        throw new AppError('CONFLICT', `account ${account.account_id} exists already`, {
          field: 'id',
        });
      return toAccount(row);
    },
    async update(id, patch) {
      // One statement: a field left out of the patch keeps its stored value, whatever another
      // node changed meanwhile.
      const row = await db.one(
        `UPDATE accounts SET name = coalesce($2, name), limit_minute = coalesce($3, limit_minute),
           limit_hour = coalesce($4, limit_hour), limit_day = coalesce($5, limit_day)
         WHERE account_id = $1 RETURNING *`,
        [
          id,
          patch.name ?? null,
          patch.limits?.minute ?? null,
          patch.limits?.hour ?? null,
          patch.limits?.day ?? null,
        ],
      );
      return row ? toAccount(row) : null;
    },
    async list() {
      return (await db.all('SELECT * FROM accounts ORDER BY account_id')).map(toAccount);
    },
  };
}

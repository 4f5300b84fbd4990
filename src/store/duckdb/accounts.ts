import { AppError } from '../../domain/errors.js';
import type { Account, AccountStore } from '../store.js';
import type { DuckDb, Row } from './database.js';
import { iso, str, tsParam } from './rows.js';

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

export function duckAccounts(db: DuckDb): AccountStore {
  const get = async (id: string) => {
    const row = await db.one('SELECT * FROM accounts WHERE account_id = ?', [id]);
    return row ? toAccount(row) : null;
  };
  return {
    get,
    async create(account) {
      const rows = await db.writeAll(
        `INSERT INTO accounts VALUES (?, ?, ?, ?, ?, ?::TIMESTAMP) ON CONFLICT DO NOTHING RETURNING *`,
        [
          account.account_id,
          account.name,
          account.limits.minute,
          account.limits.hour,
          account.limits.day,
          tsParam(new Date()),
        ],
      );
      if (!rows[0])
        throw new AppError('CONFLICT', `account ${account.account_id} exists already`, {
          field: 'id',
        });
      return toAccount(rows[0]);
    },
    async update(id, patch) {
      const current = await get(id);
      if (!current) return null;
      const next = { ...current, ...patch };
      await db.run(
        'UPDATE accounts SET name = ?, limit_minute = ?, limit_hour = ?, limit_day = ? WHERE account_id = ?',
        [next.name, next.limits.minute, next.limits.hour, next.limits.day, id],
      );
      return next;
    },
    async list() {
      return (await db.all('SELECT * FROM accounts ORDER BY account_id')).map(toAccount);
    },
  };
}

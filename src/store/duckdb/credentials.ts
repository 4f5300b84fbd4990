import { AppError } from '../../domain/errors.js';
import type { CredentialStore } from '../store.js';
import type { DuckDb } from './database.js';
import { tsParam } from './rows.js';
import { toClient, toKey } from '../rows.js';

export function duckCredentials(db: DuckDb): CredentialStore {
  return {
    async createClient(c) {
      const rows = await db.writeAll(
        'INSERT INTO client_credentials VALUES (?, ?, ?, ?, false, ?::TIMESTAMP) ON CONFLICT DO NOTHING RETURNING *',
        [
          c.client_id,
          c.secret_hash,
          JSON.stringify(c.accounts),
          JSON.stringify(c.scopes),
          tsParam(new Date()),
        ],
      );
      if (!rows[0]) throw new AppError('CONFLICT', `client ${c.client_id} exists already`);
      return toClient(rows[0]);
    },
    async getClient(clientId) {
      const row = await db.one('SELECT * FROM client_credentials WHERE client_id = ?', [clientId]);
      return row ? toClient(row) : null;
    },
    async listClients(accountId) {
      const rows = await db.all('SELECT * FROM client_credentials ORDER BY created_at, client_id');
      const all = rows.map(toClient);
      return accountId === undefined ? all : all.filter((c) => c.accounts.includes(accountId));
    },
    async revokeClient(clientId) {
      const rows = await db.writeAll(
        'UPDATE client_credentials SET revoked = true WHERE client_id = ? RETURNING client_id',
        [clientId],
      );
      return rows.length > 0;
    },
    async createKey(k) {
      const rows = await db.writeAll(
        'INSERT INTO api_keys VALUES (?, ?, ?, ?, ?, false, ?::TIMESTAMP) ON CONFLICT DO NOTHING RETURNING *',
        [
          k.key_id,
          k.key_hash,
          k.type,
          k.account_id,
          JSON.stringify(k.origins),
          tsParam(new Date()),
        ],
      );
      if (!rows[0]) throw new AppError('CONFLICT', `key ${k.key_id} exists already`);
      return toKey(rows[0]);
    },
    async getKey(keyId) {
      const row = await db.one('SELECT * FROM api_keys WHERE key_id = ?', [keyId]);
      return row ? toKey(row) : null;
    },
    async listKeys(accountId) {
      const rows =
        accountId === undefined
          ? await db.all('SELECT * FROM api_keys ORDER BY created_at, key_id')
          : await db.all(
              'SELECT * FROM api_keys WHERE account_id = ? ORDER BY created_at, key_id',
              [accountId],
            );
      return rows.map(toKey);
    },
    async revokeKey(keyId) {
      const rows = await db.writeAll(
        'UPDATE api_keys SET revoked = true WHERE key_id = ? RETURNING key_id',
        [keyId],
      );
      return rows.length > 0;
    },
  };
}

import { AppError } from '../../domain/errors.js';
import type { CredentialStore } from '../store.js';
import { tsParam, type PgDb } from './database.js';
import { toClient, toKey } from '../rows.js';

export function pgCredentials(db: PgDb): CredentialStore {
  return {
    async createClient(c) {
      const row = await db.one(
        `INSERT INTO client_credentials (client_id, secret_hash, accounts, scopes, created_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING *`,
        [
          c.client_id,
          c.secret_hash,
          JSON.stringify(c.accounts),
          JSON.stringify(c.scopes),
          tsParam(new Date()),
        ],
      );
      if (!row) throw new AppError('CONFLICT', `client ${c.client_id} exists already`);
      return toClient(row);
    },
    async getClient(clientId) {
      const row = await db.one('SELECT * FROM client_credentials WHERE client_id = $1', [clientId]);
      return row ? toClient(row) : null;
    },
    async listClients(accountId) {
      const rows = await db.all('SELECT * FROM client_credentials ORDER BY created_at, client_id');
      const all = rows.map(toClient);
      return accountId === undefined ? all : all.filter((c) => c.accounts.includes(accountId));
    },
    async revokeClient(clientId) {
      const n = await db.run('UPDATE client_credentials SET revoked = true WHERE client_id = $1', [
        clientId,
      ]);
      return n > 0;
    },
    async createKey(k) {
      const row = await db.one(
        `INSERT INTO api_keys (key_id, key_hash, type, account_id, origins, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING *`,
        [
          k.key_id,
          k.key_hash,
          k.type,
          k.account_id,
          JSON.stringify(k.origins),
          tsParam(new Date()),
        ],
      );
      if (!row) throw new AppError('CONFLICT', `key ${k.key_id} exists already`);
      return toKey(row);
    },
    async getKey(keyId) {
      const row = await db.one('SELECT * FROM api_keys WHERE key_id = $1', [keyId]);
      return row ? toKey(row) : null;
    },
    async listKeys(accountId) {
      const rows =
        accountId === undefined
          ? await db.all('SELECT * FROM api_keys ORDER BY created_at, key_id')
          : await db.all(
              'SELECT * FROM api_keys WHERE account_id = $1 ORDER BY created_at, key_id',
              [accountId],
            );
      return rows.map(toKey);
    },
    async revokeKey(keyId) {
      return (await db.run('UPDATE api_keys SET revoked = true WHERE key_id = $1', [keyId])) > 0;
    },
  };
}

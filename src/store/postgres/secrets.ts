import { randomBytes } from 'node:crypto';
import type { SecretStore } from '../store.js';
import type { PgDb } from './database.js';

/**
 * The signing secret, generated once and kept in the database so that every node signs and
 * verifies alike. Nodes starting together each offer a fresh secret; the first insert wins and
 * everyone reads the winner.
 */
export function pgSecrets(db: PgDb): SecretStore {
  let cached: Uint8Array | undefined;
  return {
    async signingSecret() {
      if (cached) return cached;
      await db.run(
        `INSERT INTO secrets (name, value) VALUES ('token-signing', $1) ON CONFLICT DO NOTHING`,
        [randomBytes(32)],
      );
      const row = await db.one(`SELECT value FROM secrets WHERE name = 'token-signing'`);
      if (!(row?.value instanceof Buffer)) throw new Error('the token signing secret is missing');
      cached = new Uint8Array(row.value);
      return cached;
    },
  };
}

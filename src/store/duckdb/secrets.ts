import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SecretStore } from '../store.js';

/** The signing secret, generated once into the data directory, readable by its owner only. */
export function fileSecrets(dataDir: string): SecretStore {
  const path = join(dataDir, 'token-secret');
  let cached: Uint8Array | undefined;
  return {
    async signingSecret() {
      if (cached) return cached;
      try {
        cached = Buffer.from((await readFile(path, 'utf8')).trim(), 'base64url');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        const secret = randomBytes(32);
        // 'wx' fails if another process wrote it first; then read theirs.
        try {
          await writeFile(path, secret.toString('base64url') + '\n', { mode: 0o600, flag: 'wx' });
          cached = secret;
        } catch {
          cached = Buffer.from((await readFile(path, 'utf8')).trim(), 'base64url');
        }
      }
      return cached;
    },
  };
}

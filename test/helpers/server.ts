/**
 * Starts the real server on a real port (0: any free one) over a fresh store — a DuckDB file in a
 * temporary data directory, or on the PostgreSQL pass a fresh database (helpers/backend.ts) — as
 * every HTTP test does. Close it in `after()`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type ConfigInput } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { forgetDatabase, storeSettings } from './backend.js';

export interface TestServer extends RunningServer {
  dataDir: string;
  /** Closes the server and removes its data directory (and its database). */
  stop(): Promise<void>;
}

export function tempDir(prefix = 'cuepoint-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function startTestServer(overrides: Partial<ConfigInput> = {}): Promise<TestServer> {
  const dataDir = overrides.dataDir ?? tempDir();
  const config = loadConfig({
    port: 0,
    host: '127.0.0.1',
    logLevel: 'silent',
    ...overrides,
    ...(await storeSettings(dataDir)),
  });
  const server = await startServer(config, { logger: false });
  return {
    ...server,
    dataDir,
    async stop() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
      await forgetDatabase(dataDir);
    },
  };
}

/**
 * Readiness (details.md §4, reporting-api.md §4): until the server is ready (and again once it
 * stops), `/healthz` answers 503 and every other request the gateway 503 UNAVAILABLE with
 * Retry-After. The app is built here with its readiness switched by the test.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { describe, it } from 'node:test';
import { loadConfig } from '../src/config.js';
import { buildApp } from '../src/http/app.js';
import { createLogger } from '../src/logger.js';
import { createServices } from '../src/services.js';
import { openStore } from '../src/store/open.js';
import { send } from './helpers/http.js';
import { tempDir } from './helpers/server.js';

describe('readiness', () => {
  it('answers 503 until ready, then serves', async () => {
    const dataDir = tempDir();
    const config = loadConfig({ port: 0, dataDir, logLevel: 'silent' });
    const store = await openStore(config);
    const log = createLogger(config, false);
    let ready = false;
    const app = buildApp(createServices(store, config, log), {
      readiness: { ready: () => ready },
      logger: log,
    });
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.server.address();
      const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const health = await send(`${url}/healthz`);
      assert.deepEqual([health.status, health.body], [503, { status: 'starting' }]);
      const other = await send(`${url}/openapi.json`);
      assert.equal(other.status, 503);
      assert.deepEqual(other.body, [
        {
          error_code: 'UNAVAILABLE',
          message: 'Cuepoint is starting or shutting down; retry shortly',
        },
      ]);
      assert.equal(other.headers.get('retry-after'), '1');
      ready = true;
      assert.equal((await send(`${url}/healthz`)).status, 200);
      assert.equal((await send(`${url}/openapi.json`)).status, 200);
    } finally {
      await app.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

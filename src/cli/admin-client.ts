/**
 * Runs admin operations on the configured store, whichever process holds it (architecture.md §1):
 * a `cuepoint serve` running on the data directory answers on its socket; when none answers,
 * the store is opened here, used, and closed. The same typed `Admin` either way.
 */
import type { Admin } from '../admin/admin.js';
import { createAdmin } from '../admin/admin.js';
import { adminSocketPath } from '../admin/socket.js';
import { adminSocketAnswers, remoteAdmin } from '../admin/socket-client.js';
import type { Config } from '../config.js';
import { createLogger } from '../logger.js';
import { createServices } from '../services.js';
import { openStore } from '../store/open.js';

export async function withAdmin<T>(config: Config, fn: (admin: Admin) => Promise<T>): Promise<T> {
  // In server mode the database takes any number of clients, so there is no socket to look for.
  if (!config.databaseUrl) {
    const socketPath = adminSocketPath(config.dataDir);
    if (await adminSocketAnswers(socketPath)) return fn(remoteAdmin(socketPath));
  }
  const store = await openStore(config);
  try {
    const services = createServices(store, config, createLogger(config, false));
    try {
      return await fn(createAdmin(store, services));
    } finally {
      // Imported events are acknowledged only once durable; let them land before closing.
      await services.collector.flushed();
      // What was imported here is merged here: no server may be running to do it later.
      await store.rollups.compact();
    }
  } finally {
    await store.close();
  }
}

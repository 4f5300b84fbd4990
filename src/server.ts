/**
 * Starts Cuepoint: open the store (migrations run), build the services and the HTTP app, listen.
 * `close()` stops accepting, lets in-flight requests finish (bounded by the grace period), waits
 * for pending event writes, then closes the store. It is idempotent.
 */
import type { FastifyInstance } from 'fastify';
import type { Admin } from './admin/admin.js';
import { adminHandlers } from './admin/operations.js';
import { startAdminSocket, type AdminSocket } from './admin/socket.js';
import type { Config } from './config.js';
import { startCompaction } from './collector/compaction.js';
import { buildApp } from './http/app.js';
import { createLogger } from './logger.js';
import type { AppContext } from './http/context.js';
import { createServices } from './services.js';
import { openStore } from './store/open.js';
import type { Store } from './store/store.js';

export interface RunningServer {
  url: string;
  app: FastifyInstance;
  store: Store;
  services: AppContext;
  /** The admin operations, also answered on `<dataDir>/cuepoint.sock` for the embedded store. */
  admin: Admin;
  close(): Promise<void>;
}

export interface StartOptions {
  /** false: log nothing (tests). */
  logger?: boolean;
}

export async function startServer(
  config: Config,
  options: StartOptions = {},
): Promise<RunningServer> {
  let ready = false;
  const store = await openStore(config);
  const log = createLogger(config, options.logger ?? true);
  const services = createServices(store, config, log);
  const app = buildApp(services, { readiness: { ready: () => ready }, logger: log });
  // One object: typed as Admin for callers, with checked `unknown` arguments for the socket.
  const handlers = adminHandlers(store, services);
  const admin: Admin = handlers;
  let adminSocket: AdminSocket | undefined;
  try {
    // Only the embedded store is held by one process; in server mode the CLI opens PostgreSQL itself.
    if (!config.databaseUrl) {
      adminSocket = await startAdminSocket(handlers, config.dataDir, {
        onError: (err) => app.log.error({ err }, 'admin operation failed'),
      });
    }
    await services.reports.start();
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await adminSocket?.close();
    await store.close();
    throw error;
  }
  const compaction = startCompaction(store.rollups, config.rollupCompactSeconds, log);
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  ready = true;

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      ready = false;
      await services.reports.close();
      await adminSocket?.close();
      const grace = new Promise<void>((resolve) =>
        setTimeout(resolve, config.shutdownGraceSeconds * 1000).unref(),
      );
      // Keep-alive connections go idle as their last responses finish; close them as they do,
      // and cut whatever is still open when the grace period ends.
      const idle = setInterval(() => app.server.closeIdleConnections(), 100);
      await Promise.race([app.close(), grace]);
      clearInterval(idle);
      app.server.closeAllConnections();
      await services.collector.flushed();
      log.info({ collector: services.collector.stats() }, 'collector totals');
      await compaction.stop();
      await store.close();
    })());

  return {
    url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
    app,
    store,
    services,
    admin,
    close,
  };
}

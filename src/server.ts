/**
 * Starts Cuepoint: open the store (migrations run), build the services and the HTTP app, listen.
 * `close()` stops accepting, lets in-flight requests finish (bounded by the grace period), waits
 * for pending event writes, then closes the store. It is idempotent.
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import { buildApp } from './http/app.js';
import type { AppContext } from './http/context.js';
import { createServices } from './services.js';
import { openStore } from './store/open.js';
import type { Store } from './store/store.js';

export interface RunningServer {
  url: string;
  app: FastifyInstance;
  store: Store;
  services: AppContext;
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: boolean | Record<string, unknown>;
}

export async function startServer(
  config: Config,
  options: StartOptions = {},
): Promise<RunningServer> {
  let ready = false;
  const store = await openStore(config);
  const services = createServices(store, config);
  const app = buildApp(services, {
    readiness: { ready: () => ready },
    logger: options.logger ?? true,
  });
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  ready = true;

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      ready = false;
      const grace = new Promise<void>((resolve) =>
        setTimeout(resolve, config.shutdownGraceSeconds * 1000).unref(),
      );
      await Promise.race([app.close(), grace]);
      await services.collector.flushed();
      await store.close();
    })());

  return {
    url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
    app,
    store,
    services,
    close,
  };
}

/**
 * Starts a report worker without the HTTP server (`cuepoint worker`): the store, the report
 * service and its workers, nothing else. Server mode only: workers on any number of machines
 * claim jobs from the one PostgreSQL queue. `close()` gives running jobs back to the queue (so
 * another worker takes them at once) and closes the store; it is idempotent.
 */
import type { Config } from './config.js';
import { createReportService } from './jobs/service.js';
import { createLogger } from './logger.js';
import { openStore } from './store/open.js';

export interface RunningWorker {
  close(): Promise<void>;
}

export async function startWorker(
  config: Config,
  options: { logger?: boolean } = {},
): Promise<RunningWorker> {
  if (!config.databaseUrl) {
    throw new Error(
      'cuepoint worker needs server mode: set --database-url or CUEPOINT_DATABASE_URL (the embedded store runs its workers inside cuepoint serve)',
    );
  }
  if (config.reportWorkers < 1)
    throw new Error('cuepoint worker needs --report-workers of 1 or more');
  const store = await openStore(config);
  const log = createLogger(config, options.logger ?? true);
  const reports = createReportService(store, config, log);
  try {
    await reports.start();
  } catch (error) {
    await store.close();
    throw error;
  }
  log.info({ workers: config.reportWorkers }, 'worker ready');
  let closing: Promise<void> | undefined;
  return {
    close: () =>
      (closing ??= (async () => {
        await reports.close();
        await store.close();
      })()),
  };
}

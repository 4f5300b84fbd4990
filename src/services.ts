/** The composition root's middle: the services built once over one store and one configuration. */
import { createAnalyticsService } from './analytics/service.js';
import { createAuthService } from './auth/service.js';
import { createCatalogService } from './catalog/service.js';
import { createCollector } from './collector/collector.js';
import type { Config } from './config.js';
import { createReportService } from './jobs/service.js';
import type { Logger } from './logger.js';
import type { AppContext } from './http/context.js';
import type { Store } from './store/store.js';

export function createServices(store: Store, config: Config, log: Logger): AppContext {
  return {
    config,
    auth: createAuthService(store, config),
    catalog: createCatalogService(store),
    collector: createCollector(store, config),
    analytics: createAnalyticsService(store, config),
    reports: createReportService(store, config, log),
  };
}

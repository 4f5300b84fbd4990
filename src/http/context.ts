/** What every route module receives: configuration and the services (never the store itself). */
import type { AnalyticsService } from '../analytics/service.js';
import type { AuthService } from '../auth/service.js';
import type { CatalogService } from '../catalog/service.js';
import type { Collector } from '../collector/collector.js';
import type { Config } from '../config.js';
import type { ReportService } from '../jobs/service.js';

export interface AppContext {
  config: Config;
  auth: AuthService;
  catalog: CatalogService;
  collector: Collector;
  analytics: AnalyticsService;
  reports: ReportService;
}

/** What every route module receives: configuration and the services (never the store itself). */
import type { AuthService } from '../auth/service.js';
import type { CatalogService } from '../catalog/service.js';
import type { Collector } from '../collector/collector.js';
import type { Config } from '../config.js';

export interface AppContext {
  config: Config;
  auth: AuthService;
  catalog: CatalogService;
  collector: Collector;
}

// STUB — to be replaced by the catalog work.
import type { Store } from '../store/store.js';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface CatalogService {}

export function createCatalogService(_store: Store): CatalogService {
  return {};
}

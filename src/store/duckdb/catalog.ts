import type { CatalogStore } from '../store.js';
import type { DuckDb } from './database.js';

// Placeholder: the catalog is being written (see issue 2). Every method reports so.
export function duckCatalog(_db: DuckDb): CatalogStore {
  const todo = (): never => {
    throw new Error('catalog store not implemented yet');
  };
  return new Proxy({} as CatalogStore, { get: () => todo });
}

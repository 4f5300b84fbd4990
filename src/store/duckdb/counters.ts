import type { CounterStore } from '../store.js';

/**
 * Sliding-window counters. The embedded store is owned by one process (DuckDB's file lock), so
 * process memory is the store here; server mode keeps them in PostgreSQL so they hold across nodes.
 * Counts reset on restart, which only forgives failed logins.
 */
export function memoryCounters(now: () => number = Date.now): CounterStore {
  const hits = new Map<string, number[]>();
  const recent = (key: string, windowMs: number): number[] => {
    const since = now() - windowMs;
    const kept = (hits.get(key) ?? []).filter((t) => t > since);
    if (kept.length === 0) hits.delete(key);
    else hits.set(key, kept);
    return kept;
  };
  return {
    async hit(key, windowMs) {
      const kept = recent(key, windowMs);
      kept.push(now());
      hits.set(key, kept);
      return kept.length;
    },
    async count(key, windowMs) {
      return recent(key, windowMs).length;
    },
  };
}

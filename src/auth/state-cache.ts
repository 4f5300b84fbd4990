/**
 * A short-lived cache of credential state (client credentials, API keys) read from the store.
 * Revocation must take effect at once (auth.md §3), so entries live at most `ttlMs` (a second);
 * `forget` drops one at once when this process itself revoked it. Bounded, oldest dropped first.
 */
export class StateCache<V> {
  private readonly entries = new Map<string, { at: number; value: Promise<V> }>();

  constructor(
    private readonly load: (id: string) => Promise<V>,
    private readonly ttlMs = 1000,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(id: string): Promise<V> {
    const entry = this.entries.get(id);
    if (entry && this.now() - entry.at < this.ttlMs) return entry.value;
    this.entries.delete(id);
    const value = this.load(id);
    this.entries.set(id, { at: this.now(), value });
    // A failed read is not remembered: the next request tries the store again.
    value.catch(() => {
      if (this.entries.get(id)?.value === value) this.entries.delete(id);
    });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    return value;
  }

  forget(id: string): void {
    this.entries.delete(id);
  }
}

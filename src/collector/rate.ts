/** A token bucket per write key: `rate` events a second, bursts up to twice that. Node-local. */
export class KeyRateLimiter {
  private buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly rate: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes `n` tokens; returns 0 when allowed, else the seconds to wait. */
  take(key: string, n: number): number {
    const capacity = this.rate * 2;
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: capacity, at: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) / 1000) * this.rate);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= n) {
      bucket.tokens -= n;
      return 0;
    }
    return Math.ceil((n - bucket.tokens) / this.rate);
  }
}

/**
 * Seeded randomness for the demo data. mulberry32 is tiny, fast and gives the same sequence on
 * every platform, which is all demo data needs: the same seed must give byte-identical events.
 * Not for anything secret.
 */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** A float in [min, max). */
  range(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /** An index into `weights`, chosen in proportion to them. */
  weightedIndex(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i] ?? 0;
      if (r < 0) return i;
    }
    return weights.length - 1;
  }
}

/**
 * MurmurHash3's 32-bit finaliser: a bijection on 32-bit integers, so distinct inputs always give
 * distinct outputs. Session IDs made from it cannot collide, however many sessions there are.
 */
export function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A generator for one numbered thing (a viewer, a visit) of one seed, independent of the others. */
export function randomFor(seed: number, stream: number, index: number): Random {
  return new Random(mix32(mix32(seed ^ Math.imul(stream, 0x9e3779b1)) ^ index));
}

export function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

/**
 * When the demo's visits happen: a density over the period, hour by hour, shaped like a real
 * audience (quiet nights and weekends, a slow upward trend, day-to-day noise), and a monotonic map
 * from a position in [0, 1) to an instant. Because the map is monotonic, visits generated in order
 * happen in order, which lets later sessions depend on earlier ones (an automatic sign-in follows
 * a manual one).
 */
import { randomFor } from './random.js';

const HOUR = 3_600_000;

/** Relative traffic by UTC hour: an audience spread over Europe and the Americas. */
const BY_HOUR = [
  0.5, 0.35, 0.25, 0.18, 0.15, 0.18, 0.3, 0.5, 0.75, 0.9, 1.0, 1.05, 1.1, 1.2, 1.35, 1.5, 1.55, 1.5,
  1.4, 1.25, 1.1, 0.95, 0.8, 0.65,
];
/** Relative traffic by UTC weekday, Sunday first: mostly training videos, watched at work. */
const BY_WEEKDAY = [0.5, 1.05, 1.1, 1.1, 1.05, 0.95, 0.55];

const STREAM = 0x746c; // "tl"

export class Timeline {
  private readonly cumulative: Float64Array;

  constructor(
    private readonly startMs: number,
    private readonly endMs: number,
    seed: number,
  ) {
    const slots = Math.max(1, Math.ceil((endMs - startMs) / HOUR));
    this.cumulative = new Float64Array(slots);
    let total = 0;
    let day = -1;
    let noise = 1;
    for (let i = 0; i < slots; i++) {
      const at = new Date(startMs + i * HOUR);
      const dayNumber = Math.floor(at.getTime() / 86_400_000);
      if (dayNumber !== day) {
        day = dayNumber;
        noise = randomFor(seed, STREAM, dayNumber).range(0.8, 1.2);
      }
      const trend = 0.75 + (0.4 * i) / slots;
      total += (BY_HOUR[at.getUTCHours()] ?? 1) * (BY_WEEKDAY[at.getUTCDay()] ?? 1) * trend * noise;
      this.cumulative[i] = total;
    }
  }

  /** The instant at position `u` ∈ [0, 1) of the traffic: non-decreasing in `u`. */
  at(u: number): number {
    const c = this.cumulative;
    const target = Math.min(Math.max(u, 0), 1) * (c[c.length - 1] ?? 0);
    let lo = 0;
    let hi = c.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((c[mid] ?? 0) < target) lo = mid + 1;
      else hi = mid;
    }
    const before = lo === 0 ? 0 : (c[lo - 1] ?? 0);
    const width = (c[lo] ?? 0) - before;
    const fraction = width > 0 ? (target - before) / width : 0;
    return Math.min(this.endMs, this.startMs + (lo + fraction) * HOUR);
  }
}

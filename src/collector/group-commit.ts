/**
 * Group commit: events of concurrent requests are written together, one transaction (and one
 * fsync) per group, so that durability does not cost throughput. While a write is under way, new
 * submissions wait and form the next group; each submitter learns which of its events were
 * duplicates.
 */
import type { NewEvent } from '../domain/events/stored-event.js';
import type { EventStore } from '../store/store.js';

interface Pending {
  events: readonly NewEvent[];
  resolve: (duplicates: number[]) => void;
  reject: (error: unknown) => void;
}

export class GroupCommitter {
  private queue: Pending[] = [];
  private writing: Promise<void> | null = null;

  constructor(
    private readonly events: EventStore,
    /** Told the wall-clock milliseconds of each group's write. */
    private readonly onWritten: (ms: number) => void = () => undefined,
    /** Upper bound of events in one transaction. */
    private readonly maxGroupEvents = 50_000,
  ) {}

  /** Resolves with the indexes (into `events`) that were dropped as duplicates, once durable. */
  submit(events: readonly NewEvent[]): Promise<number[]> {
    if (events.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.queue.push({ events, resolve, reject });
      if (!this.writing) this.writing = this.drain();
    });
  }

  /** Resolves when everything submitted so far is written. */
  async flushed(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const group: Pending[] = [];
      let size = 0;
      while (
        this.queue.length > 0 &&
        (group.length === 0 || size + this.queue[0]!.events.length <= this.maxGroupEvents)
      ) {
        const next = this.queue.shift()!;
        group.push(next);
        size += next.events.length;
      }
      await this.write(group);
    }
    this.writing = null;
  }

  private async write(group: Pending[]): Promise<void> {
    const all = group.flatMap((p) => p.events);
    try {
      const t0 = performance.now();
      const { duplicates } = await this.events.append(all);
      this.onWritten(performance.now() - t0);
      const dropped = new Set(duplicates);
      let offset = 0;
      for (const pending of group) {
        const mine: number[] = [];
        for (let i = 0; i < pending.events.length; i++) if (dropped.has(offset + i)) mine.push(i);
        offset += pending.events.length;
        pending.resolve(mine);
      }
    } catch (error) {
      for (const pending of group) pending.reject(error);
    }
  }
}

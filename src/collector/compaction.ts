/**
 * Merges the report rollups' partials on a timer (src/domain/reports/rollups.ts). Every commit
 * of events appends partials; merging them changes no report, it only keeps the rollups about one
 * row per session and day, which is what makes long-range summaries fast. Runs where events are
 * appended: the serving process (and the import CLI, once at the end).
 */
import type { Logger } from 'pino';
import type { RollupStore } from '../store/store.js';

export interface Compaction {
  /** Stops the timer and merges what is left. */
  stop(): Promise<void>;
}

export function startCompaction(
  rollups: RollupStore,
  everySeconds: number,
  log: Logger,
): Compaction {
  let running: Promise<void> = Promise.resolve();
  const compact = () =>
    (running = running.then(async () => {
      try {
        const merged = await rollups.compact();
        if (merged > 0) log.debug({ merged }, 'rollups compacted');
      } catch (err) {
        log.error({ err }, 'rollup compaction failed');
      }
    }));
  const timer = setInterval(() => void compact(), everySeconds * 1000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await compact();
    },
  };
}

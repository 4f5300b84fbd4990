/**
 * The (account, UTC day) pairs a process appended rollup partials to since its last compaction
 * (src/domain/reports/rollups.ts), for both stores; each spells a day its own way. In memory
 * only: pairs lost with the process stay unmerged until appended to again, which costs space,
 * never exactness.
 */
export class TouchedDays<Day> {
  private pairs = new Map<string, Set<Day>>();

  add(accountId: string, day: Day): void {
    let days = this.pairs.get(accountId);
    if (!days) this.pairs.set(accountId, (days = new Set()));
    days.add(day);
  }

  /** Every pair noted so far, forgotten here: the caller merges them (or gives them back). */
  take(): [accountId: string, day: Day][] {
    const taken = [...this.pairs].flatMap(([accountId, days]) =>
      [...days].map((day): [string, Day] => [accountId, day]),
    );
    this.pairs = new Map();
    return taken;
  }
}

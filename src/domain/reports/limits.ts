/**
 * The new-report rate limits (reporting-api.md §1.4): rolling windows over the creation times of
 * the account's counted jobs. Pure, so the arithmetic is tested on its own.
 */
export const WINDOWS = [
  { name: 'minute', seconds: 60 },
  { name: 'hour', seconds: 3600 },
  { name: 'day', seconds: 86_400 },
] as const;

export type WindowName = (typeof WINDOWS)[number]['name'];

/** 4 new reports a minute, 20 an hour, 100 a day, unless the account has its own. */
export const DEFAULT_LIMITS: Readonly<Record<WindowName, number>> = {
  minute: 4,
  hour: 20,
  day: 100,
};

/**
 * Seconds until a new job may start, or 0 when it may start now. `createdAt` holds the creation
 * times (ms) of the counted jobs of the last day, in any order.
 */
export function retryAfterSeconds(
  createdAt: readonly number[],
  limits: Record<WindowName, number>,
  now: number,
): number {
  let wait = 0;
  for (const window of WINDOWS) {
    const since = now - window.seconds * 1000;
    const inWindow = createdAt.filter((t) => t > since).sort((a, b) => a - b);
    const limit = limits[window.name];
    if (inWindow.length < limit) continue;
    // The window frees a slot when enough of its oldest jobs leave it to drop below the limit.
    const leaving = inWindow[inWindow.length - limit]!;
    wait = Math.max(wait, Math.ceil((leaving + window.seconds * 1000 - now) / 1000));
  }
  return wait === 0 ? 0 : Math.max(1, wait);
}

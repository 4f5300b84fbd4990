/**
 * Name normalisation (events.md §2): lower-case, every run of characters other than letters and
 * digits becomes `_`. Leading and trailing underscores are dropped, so `" Play "` is `play`
 * (the spec is silent on edges; docs/decisions.md records this).
 */
export function normalizeName(name: string): string {
  let normalized = cache.get(name);
  if (normalized === undefined) {
    normalized = name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '');
    // Property names and actions repeat in every event: remember them, within a bound, since
    // the names come from clients.
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(name, normalized);
  }
  return normalized;
}

const CACHE_LIMIT = 10_000;
const cache = new Map<string, string>();

/** Property aliases → canonical name. */
export const PROPERTY_ALIASES: Readonly<Record<string, string>> = {
  play_session: 'session_id',
  partner_user_id: 'user_id',
  userid: 'user_id',
  partner_username: 'username',
};

/** Event kind aliases → canonical kind. */
export const KIND_ALIASES: Readonly<Record<string, string>> = {
  annotation_ended: 'annotation_end',
};

/** What the server adds to every event from the request (events.md §2.2), never from the client. */
import UAParser from 'ua-parser-js';
import { anonymizeIp } from '../domain/events/ip.js';
import type { RequestFacts } from '../domain/events/normalize.js';

const uaCache = new Map<string, { browser: string | null; os: string | null }>();

function parseUserAgent(ua: string): { browser: string | null; os: string | null } {
  let hit = uaCache.get(ua);
  if (!hit) {
    const result = new UAParser(ua).getResult();
    hit = { browser: result.browser.name ?? null, os: result.os.name ?? null };
    // User agents repeat heavily; a bounded cache saves the regex work.
    if (uaCache.size >= 2000) uaCache.clear();
    uaCache.set(ua, hit);
  }
  return hit;
}

export interface RequestMeta {
  userAgent?: string | undefined;
  referer?: string | undefined;
  ip?: string | undefined;
}

export function requestFacts(
  accountId: string,
  meta: RequestMeta,
  anonymize: boolean,
  receivedAt: Date,
): RequestFacts {
  const ua = meta.userAgent ? parseUserAgent(meta.userAgent) : { browser: null, os: null };
  let referringDomain: string | null = null;
  if (meta.referer) {
    try {
      referringDomain = new URL(meta.referer).hostname || null;
    } catch {
      referringDomain = null;
    }
  }
  const ip = meta.ip ? (anonymize ? anonymizeIp(meta.ip) : meta.ip) : null;
  return {
    accountId,
    receivedAt,
    browser: ua.browser,
    os: ua.os,
    referrer: meta.referer ? meta.referer.slice(0, 4096) : null,
    referringDomain,
    ip,
  };
}

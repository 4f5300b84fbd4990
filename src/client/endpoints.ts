/**
 * Where the SDK sends its requests. Defaults are Brightcove's own hosts (the seed's base URLs and
 * its token service); a Cuepoint server serves all three on one origin.
 */
import { ValidationError } from './errors.js';

export const BRIGHTCOVE_ENDPOINTS = {
  engagementUrl: 'https://interactivity-reporting.api.brightcove.com/api/reports/v2/',
  analyticsUrl: 'https://interactivity.api.brightcove.com',
  tokenUrl: 'https://oauth.brightcove.com/v4/access_token',
} as const;

export interface Endpoints {
  /** The engagement base, ending in `/`: a report name is appended to it, never the path again. */
  engagement: URL;
  /** The analytics origin, and the path prefix under which `/v1/accounts/…` lives, if any. */
  analytics: URL;
  token: URL;
}

export interface EndpointOptions {
  engagementUrl?: string | undefined;
  analyticsUrl?: string | undefined;
  tokenUrl?: string | undefined;
}

const ENGAGEMENT_PATH = 'api/reports/v2/';

function parse(setting: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ValidationError(`${setting} is not a URL: ${JSON.stringify(value)}`, {
      code: 'BAD_SETTING',
    });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ValidationError(`${setting} must be an http(s) URL, got ${url.protocol}`, {
      code: 'BAD_SETTING',
    });
  }
  url.search = '';
  url.hash = '';
  return url;
}

function isBrightcove(url: URL): boolean {
  return url.hostname === 'brightcove.com' || url.hostname.endsWith('.brightcove.com');
}

/**
 * Resolves the three endpoints:
 * - the engagement base always ends in `/`, so `new URL(report, base)` appends the report name
 *   (the official sample appended the base path a second time); a bare origin gets
 *   `api/reports/v2/`;
 * - when the engagement base is not Brightcove's (a Cuepoint server), the analytics base and the
 *   token URL default to the same origin and path prefix rather than to Brightcove's hosts, so a
 *   Cuepoint secret is never sent to Brightcove's token service by omission (and vice versa).
 */
export function resolveEndpoints(options: EndpointOptions): Endpoints {
  const engagement = parse(
    'engagementUrl',
    options.engagementUrl ?? BRIGHTCOVE_ENDPOINTS.engagementUrl,
  );
  if (!engagement.pathname.endsWith('/')) engagement.pathname += '/';
  if (engagement.pathname === '/') engagement.pathname = '/' + ENGAGEMENT_PATH;

  const prefix = engagement.pathname.includes('/' + ENGAGEMENT_PATH)
    ? engagement.pathname.slice(0, engagement.pathname.indexOf('/' + ENGAGEMENT_PATH))
    : '';
  const sameHost = (path: string) => new URL(prefix + path, engagement.origin).href;
  const local = !isBrightcove(engagement);

  const analytics = parse(
    'analyticsUrl',
    options.analyticsUrl ?? (local ? sameHost('/') : BRIGHTCOVE_ENDPOINTS.analyticsUrl),
  );
  const token = parse(
    'tokenUrl',
    options.tokenUrl ?? (local ? sameHost('/v4/access_token') : BRIGHTCOVE_ENDPOINTS.tokenUrl),
  );
  return { engagement, analytics, token };
}

/** The URL of an engagement report: the base plus the name, once. */
export function engagementReportUrl(endpoints: Endpoints, report: string): URL {
  return new URL(encodeURIComponent(report), endpoints.engagement);
}

/** The URL of an analytics report: `account_id` is a path segment here, not a query parameter. */
export function analyticsReportUrl(endpoints: Endpoints, accountId: string, report: string): URL {
  const prefix = endpoints.analytics.pathname.replace(/\/+$/, '');
  const path = `${prefix}/v1/accounts/${encodeURIComponent(accountId)}/reports/${report}`;
  return new URL(path, endpoints.analytics.origin);
}

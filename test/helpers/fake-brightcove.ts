/**
 * A small local fake of Brightcove's three hosts — the token service, the engagement reporting
 * host and the analytics host — each its own node:http server on 127.0.0.1:0, so the SDK is seen
 * talking to three origins as it does in production. It covers only what differs from a Cuepoint
 * server (hosts, paths, token URL) and the failures a real server will not produce on demand:
 * tests script the reporting host's answers one by one.
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: string;
  /** When it arrived (ms since the epoch). */
  at: number;
}

/** Answers one request; may write a streamed body. */
export type Answer = (request: FakeRequest, response: ServerResponse) => void | Promise<void>;

export interface FakeHost {
  url: string;
  requests: FakeRequest[];
  /**
   * Closes every connection, idle or not: a request a client gave up on while it was on its way
   * is dropped with its socket rather than answered later, from the next test's script.
   */
  dropConnections(): void;
  close(): Promise<void>;
}

export async function startFakeHost(answer: Answer): Promise<FakeHost> {
  const requests: FakeRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      // Its client left (an abort or a timeout) before this request was read: nobody to answer.
      if (res.destroyed) return;
      const request: FakeRequest = {
        method: req.method ?? 'GET',
        url: new URL(req.url ?? '/', 'http://fake'),
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      };
      requests.push(request);
      Promise.resolve(answer(request, res)).catch((error: unknown) => {
        res.destroy(error instanceof Error ? error : new Error(String(error)));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    dropConnections: () => server.closeAllConnections(),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export interface FakeBrightcove {
  oauth: FakeHost;
  reporting: FakeHost;
  analytics: FakeHost;
  /** Client options aimed at the fake, as a Brightcove customer would configure them. */
  options: {
    engagementUrl: string;
    analyticsUrl: string;
    tokenUrl: string;
    clientId: string;
    clientSecret: string;
  };
  /** Tokens issued so far. */
  tokens(): number;
  /** Lifetime of the next tokens, in seconds. */
  setTokenTtl(seconds: number): void;
  /** Makes every token issued so far invalid (the next report request answers 401). */
  expireTokens(): void;
  /** The next answers of the token endpoint, before it goes back to issuing tokens. */
  scriptToken(...answers: Answer[]): void;
  /** The next answers of the reporting and analytics hosts; afterwards `fallback`. */
  script(...answers: Answer[]): void;
  /** Forgets the scripts and the recorded requests, and drops every connection. */
  reset(): void;
  close(): Promise<void>;
}

const CLIENT_ID = 'fake-client';
const CLIENT_SECRET = 'fake-secret';

/** The gateway's error body (reporting-api.md §4). */
export function gatewayError(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): Answer {
  return (_req, res) => json(res, status, [{ error_code: code, message }], headers);
}

/** A 202 with Retry-After, as a queued report answers. */
export function pending(retryAfter: number | undefined, status = 'queued'): Answer {
  return (_req, res) =>
    json(
      res,
      202,
      { status, report: 'r', request_id: 'req-1', queued_at: new Date().toISOString() },
      retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) },
    );
}

/** A finished report's body. */
export function body(text: string, headers: Record<string, string> = {}): Answer {
  return (_req, res) => {
    res.writeHead(200, {
      'content-type': 'text/csv; charset=utf-8',
      'x-report-rows': '1',
      ...headers,
    });
    res.end(text);
  };
}

export async function startFakeBrightcove(
  fallback: Answer = body('[]\n', { 'content-type': 'application/json', 'x-report-rows': '0' }),
): Promise<FakeBrightcove> {
  let issued = 0;
  let ttl = 300;
  let valid = new Set<string>();
  const tokenScript: Answer[] = [];
  const script: Answer[] = [];
  const expected = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;

  const oauth = await startFakeHost((req, res) => {
    const next = tokenScript.shift();
    if (next) return next(req, res);
    if (req.url.pathname !== '/v4/access_token' || req.method !== 'POST') {
      return json(res, 404, { error: 'not_found' });
    }
    if (new URLSearchParams(req.body).get('grant_type') !== 'client_credentials') {
      return json(res, 400, { error: 'unsupported_grant_type', error_description: 'grant_type' });
    }
    if (req.headers.authorization !== expected) {
      return json(res, 401, { error: 'invalid_client', error_description: 'bad credentials' });
    }
    const token = `tok-${++issued}`;
    valid.add(token);
    json(res, 200, { access_token: token, token_type: 'Bearer', expires_in: ttl });
  });

  // Both report hosts check the token the same way, then answer from the script.
  const reports: Answer = (req, res) => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (token === undefined || !valid.has(token)) {
      return json(res, 401, [{ error_code: 'UNAUTHORIZED', message: 'expired token' }]);
    }
    return (script.shift() ?? fallback)(req, res);
  };
  const reporting = await startFakeHost((req, res) => {
    // One base path, not the official sample's doubled one.
    if (!/^\/api\/reports\/v2\/[a-z_]+$/.test(req.url.pathname)) {
      return json(res, 404, [
        { error_code: 'RESOURCE_NOT_FOUND', message: `no route ${req.url.pathname}` },
      ]);
    }
    return reports(req, res);
  });
  const analytics = await startFakeHost((req, res) => {
    if (!/^\/v1\/accounts\/[^/]+\/reports\//.test(req.url.pathname)) {
      return json(res, 404, [
        { error_code: 'RESOURCE_NOT_FOUND', message: `no route ${req.url.pathname}` },
      ]);
    }
    return reports(req, res);
  });
  return {
    oauth,
    reporting,
    analytics,
    options: {
      engagementUrl: `${reporting.url}/api/reports/v2/`,
      analyticsUrl: analytics.url,
      tokenUrl: `${oauth.url}/v4/access_token`,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
    },
    tokens: () => issued,
    setTokenTtl: (seconds) => (ttl = seconds),
    expireTokens: () => (valid = new Set()),
    scriptToken: (...answers) => tokenScript.push(...answers),
    script: (...answers) => script.push(...answers),
    reset: () => {
      tokenScript.length = 0;
      script.length = 0;
      for (const host of [oauth, reporting, analytics]) {
        host.dropConnections();
        host.requests.length = 0;
      }
    },
    close: async () => {
      await Promise.all([oauth.close(), reporting.close(), analytics.close()]);
    },
  };
}

/** Small fetch helpers: every test talks HTTP to the real server. */
import { gzipSync } from 'node:zlib';

export interface Sent {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

export async function send(url: string, init: RequestInit = {}): Promise<Sent> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body, text };
}

export function postEvents(
  base: string,
  key: string | undefined,
  payload: unknown,
  options: {
    contentType?: string;
    gzip?: boolean;
    headers?: Record<string, string>;
    query?: string;
  } = {},
): Promise<Sent> {
  const raw = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const headers: Record<string, string> = {
    'content-type': options.contentType ?? 'application/json',
    ...(key ? { 'x-cuepoint-key': key } : {}),
    ...options.headers,
  };
  if (options.gzip) headers['content-encoding'] = 'gzip';
  return send(`${base}/v1/events${options.query ?? ''}`, {
    method: 'POST',
    headers,
    body: options.gzip ? gzipSync(raw) : raw,
  });
}

/** A valid player event; override what a test cares about. */
export function playerEvent(
  overrides: Record<string, unknown> = {},
  properties: Record<string, unknown> = {},
) {
  return {
    event: 'Player Action',
    ...overrides,
    properties: { 'Project ID': 'p1', 'Session ID': 's1', Action: 'Play', ...properties },
  };
}

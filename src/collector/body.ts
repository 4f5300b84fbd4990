/**
 * Reads a collector body into raw event values (events.md §1, §2.3): one object, a JSON array, or
 * NDJSON; `text/plain` (beacons) is JSON, else NDJSON; gzip is undone with the size limit applied
 * to what it inflates to. Lines of NDJSON that do not parse become per-index rejections.
 */
import { gunzipSync } from 'node:zlib';
import { AppError, badRequest } from '../domain/errors.js';

export const COLLECTOR_MEDIA_TYPES = [
  'application/json',
  'application/x-ndjson',
  'text/plain',
] as const;

export interface ParsedBody {
  /** Each item is a raw event, or an Error for an NDJSON line that did not parse. */
  items: (unknown | LineError)[];
}

export class LineError {
  constructor(readonly reason: string) {}
}

export function decodeBody(
  body: Buffer,
  contentType: string | undefined,
  contentEncoding: string | undefined,
  maxBytes: number,
): ParsedBody {
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (!(COLLECTOR_MEDIA_TYPES as readonly string[]).includes(mediaType)) {
    throw new AppError(
      'UNSUPPORTED_MEDIA_TYPE',
      `Content-Type ${mediaType || '(none)'} is not accepted; accepted: ${COLLECTOR_MEDIA_TYPES.join(', ')}`,
      { field: 'content-type' },
    );
  }
  const text = inflate(body, contentEncoding, maxBytes).toString('utf8');
  if (mediaType === 'application/x-ndjson') return { items: parseNdjson(text) };
  if (mediaType === 'text/plain') {
    const whole = tryJson(text);
    return whole.ok ? { items: itemsOf(whole.value) } : { items: parseNdjson(text) };
  }
  const whole = tryJson(text);
  if (!whole.ok)
    throw badRequest(
      'body',
      'the body is not valid JSON; send an event object, an array of them, or NDJSON',
    );
  return { items: itemsOf(whole.value) };
}

function inflate(body: Buffer, encoding: string | undefined, maxBytes: number): Buffer {
  const name = (encoding ?? 'identity').trim().toLowerCase();
  if (name === 'identity' || name === '') return body;
  if (name !== 'gzip' && name !== 'x-gzip') {
    throw new AppError(
      'UNSUPPORTED_MEDIA_TYPE',
      `Content-Encoding ${name} is not accepted; accepted: gzip`,
      {
        field: 'content-encoding',
      },
    );
  }
  try {
    return gunzipSync(body, { maxOutputLength: maxBytes });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new AppError('PAYLOAD_TOO_LARGE', `the body inflates to more than ${maxBytes} bytes`, {
        field: 'body',
      });
    }
    throw badRequest('content-encoding', 'the body is not valid gzip');
  }
}

function tryJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function itemsOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'object' && value !== null) return [value];
  throw badRequest('body', 'the body must be an event object or an array of event objects');
}

function parseNdjson(text: string): (unknown | LineError)[] {
  const items: (unknown | LineError)[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const parsed = tryJson(line);
    items.push(parsed.ok ? parsed.value : new LineError('line is not valid JSON'));
  }
  return items;
}

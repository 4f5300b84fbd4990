/**
 * Joins the bodies of several windows into one document of the same format, chunk by chunk, never
 * holding a body: CSV keeps the first header row only, NDJSON is concatenated (each part ending
 * in a newline), JSON arrays are merged into one array. One window passes through unchanged.
 */
import type { Format } from '../domain/reports/columns.js';
import { ServerError } from './errors.js';

export type Chunks = AsyncIterable<Uint8Array>;

const NEWLINE = 0x0a;
const encoder = new TextEncoder();

function isSpace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

/** A part's bytes after its first line (the CSV header, repeated in every window). */
async function* withoutFirstLine(part: Chunks): Chunks {
  let skipping = true;
  for await (const chunk of part) {
    if (!skipping) {
      yield chunk;
      continue;
    }
    const at = chunk.indexOf(NEWLINE);
    if (at === -1) continue;
    skipping = false;
    if (at + 1 < chunk.length) yield chunk.subarray(at + 1);
  }
}

/** A part, then a newline if it did not end with one (so the next part starts on its own line). */
async function* lineTerminated(part: Chunks): Chunks {
  let last: number | undefined;
  for await (const chunk of part) {
    if (chunk.length === 0) continue;
    last = chunk[chunk.length - 1];
    yield chunk;
  }
  if (last !== undefined && last !== NEWLINE) yield encoder.encode('\n');
}

function badJson(): ServerError {
  return new ServerError('a report window is not a JSON array', { code: 'BAD_BODY' });
}

/**
 * The elements of a JSON array body, without its brackets and surrounding whitespace: skip up to
 * the `[`, then hold back each chunk's tail from its last non-space byte, since that byte may be
 * the closing `]`; what is held at the end must be it.
 */
async function* arrayContent(part: Chunks): Chunks {
  let opened = false;
  let leading = true;
  let held: Uint8Array = new Uint8Array(0);
  for await (const raw of part) {
    let chunk = raw;
    if (!opened) {
      let i = 0;
      while (i < chunk.length && isSpace(chunk[i])) i++;
      if (i === chunk.length) continue;
      if (chunk[i] !== 0x5b) throw badJson();
      opened = true;
      chunk = chunk.subarray(i + 1);
    }
    if (leading) {
      let i = 0;
      while (i < chunk.length && isSpace(chunk[i])) i++;
      chunk = chunk.subarray(i);
      if (chunk.length === 0) continue;
      leading = false;
    }
    let lastSolid = chunk.length - 1;
    while (lastSolid >= 0 && isSpace(chunk[lastSolid])) lastSolid--;
    if (lastSolid === -1) {
      held = concat(held, chunk);
      continue;
    }
    if (held.length > 0) yield held;
    if (lastSolid > 0) yield chunk.subarray(0, lastSolid);
    held = chunk.slice(lastSolid);
  }
  if (!opened || held[0] !== 0x5d) throw badJson();
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

async function* jsonArrays(parts: AsyncIterable<Chunks>): Chunks {
  yield encoder.encode('[');
  let any = false;
  for await (const part of parts) {
    let first = true;
    for await (const chunk of arrayContent(part)) {
      if (first && any) yield encoder.encode(',');
      first = false;
      any = true;
      yield chunk;
    }
  }
  yield encoder.encode('\n]\n');
}

async function* csvOrNdjson(parts: AsyncIterable<Chunks>, format: 'csv' | 'ndjson'): Chunks {
  let index = 0;
  for await (const part of parts) {
    const body = format === 'csv' && index > 0 ? withoutFirstLine(part) : part;
    yield* lineTerminated(body);
    index++;
  }
}

/** One document of `format` from the windows' bodies, in order; `count` 1 passes it through. */
export async function* joinBodies(
  parts: AsyncIterable<Chunks>,
  format: Format,
  count: number,
): Chunks {
  if (count === 1) {
    for await (const part of parts) yield* part;
    return;
  }
  yield* format === 'json' ? jsonArrays(parts) : csvOrNdjson(parts, format);
}
